package emulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// FuzzRequestDecoding sends arbitrary methods, paths and bodies to a fresh
// emulator holding a custom role, a team and an assignment. Whatever
// arrives: no panic, no 5xx (no faults are configured), every error is
// Grafana's {"message": …}, fixed roles stay as they were, and the store's
// indexes stay consistent.
func FuzzRequestDecoding(f *testing.F) {
	const ac = "/api/access-control"
	for _, seed := range []struct {
		gen    uint8
		method uint8
		path   string
		body   string
	}{
		{12, 1, ac + "/roles", `{"name":"custom:x","permissions":[{"action":"a:b"},{"action":"a:b"}]}`},
		{8, 1, ac + "/roles", `{"NAME":"custom:y","uid":"u-1","version":3,"Permissions":null}`},
		{12, 1, ac + "/roles", `{"name":"fixed:roles:reader"}`},
		{13, 1, ac + "/roles", `{"name":"custom:z","global":true,"extra":[1,2]}`},
		{12, 2, ac + "/roles/fz-role", `{"version":9,"name":"custom:fz","permissions":[{"action":"teams:read","scope":"teams:*"}]}`},
		{12, 2, ac + "/roles/basic_editor", `{"version":2,"name":"basic:editor","global":true,"permissions":[]}`},
		{8, 2, ac + "/roles/fz-role", `{"version":"nine"}`},
		{12, 3, ac + "/roles/fz-role?force=true", ``},
		{12, 3, ac + "/roles/basic_viewer?global=true", ``},
		{8, 1, ac + "/builtin-roles", `{"roleUid":"fz-role","builtinRole":"Editor"}`},
		{8, 1, ac + "/builtin-roles", `{"roleUid":"fz-role","builtInRole":"Owner","global":"yes"}`},
		{8, 3, ac + "/builtin-roles/Grafana%20Admin/roles/fz-role?global=true", ``},
		{12, 1, ac + "/teams/1/roles", `{"roleUid":"basic_viewer"}`},
		{12, 2, ac + "/teams/1/roles", `{"roleUids":["fz-role","fz-role",""],"includeHidden":true}`},
		{12, 1, ac + "/teams/roles/search", `{"teamIds":[1,-1,99999999999999999999]}`},
		{12, 1, ac + "/users/roles/search", `{"userIds":null}`},
		{12, 1, ac + "/users/1/roles", `{"roleUid":"fz-role","global":true}`},
		{12, 0, ac + "/roles/fz-role/assignments", ``},
		{12, 1, ac + "/roles/hard-reset", `{"BasicRoles":true}`},
		{12, 1, "/api/teams", `{"name":""}`},
		{12, 1, "/api/admin/users", `{"login":"x","password":"p","OrgId":7}`},
		{12, 1, "/api/serviceaccounts/1/tokens", `{"name":"t"}`},
		{12, 0, ac + "/roles/%zz", ``},
		{12, 0, "/api/users/lookup?loginOrEmail=admin", ``},
		{12, 4, "/api/org/users/1", `{"role":"Nobody"}`},
		{12, 2, ac + "/roles/fz-role/assignments", `{"users":[1,1,-3],"teams":[1],"service_accounts":null}`},
		{13, 2, ac + "/roles/basic_viewer/assignments", `{"Teams":[1]}`},
		{12, 0, ac + "/roles?targetOrgId=-1", ``},
		{12, 2, ac + "/teams/1/roles?targetOrgId=99999999999999999999", `{"roleUids":[]}`},
		{12, 3, "/api/orgs/1", ``},
		{12, 0, "/api/users/search?query=%25&page=-2&perpage=99999999999", ``},
		{12, 0, "/api/serviceaccounts/search?perpage=0&disabled=maybe", ``},
		{12, 4, "/api/serviceaccounts/2", `{"name":null,"role":"Admin","isDisabled":"no"}`},
		{12, 3, "/api/serviceaccounts/2/tokens/abc", ``},
		{8, 0, "/api/orgs/name/Main%20Org.", ``},
	} {
		f.Add(seed.gen, seed.method, seed.path, []byte(seed.body), true)
	}
	f.Add(uint8(12), uint8(1), ac+"/roles", []byte(`{"name":"custom:anon"}`), false)

	methods := []string{"GET", "POST", "PUT", "DELETE", "PATCH"}
	f.Fuzz(func(t *testing.T, genPick, methodPick uint8, path string, body []byte, authed bool) {
		gen := allGens[int(genPick)%len(allGens)]
		method := methods[int(methodPick)%len(methods)]
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		e := New(Config{Generation: gen, Teams: []string{"fz-team"}})
		send := func(method, target string, body []byte, authed bool) *httptest.ResponseRecorder {
			req := httptest.NewRequest("GET", "/", bytes.NewReader(body))
			req.Method = method
			req.URL.Path, req.URL.RawPath, req.URL.RawQuery = "", "", ""
			if u, err := req.URL.Parse(target); err == nil {
				req.URL = u
			} else {
				req.URL.Path = target
			}
			if authed {
				req.SetBasicAuth("admin", "admin")
			}
			w := httptest.NewRecorder()
			e.ServeHTTP(w, req)
			return w
		}
		if w := send("POST", ac+"/roles", []byte(`{"uid":"fz-role","name":"custom:fz","permissions":[{"action":"teams:read","scope":"teams:*"}]}`), true); w.Code/100 != 2 {
			t.Fatalf("setup: %d %s", w.Code, w.Body)
		}
		if w := send("POST", ac+"/teams/1/roles", []byte(`{"roleUid":"fz-role"}`), true); w.Code != http.StatusOK {
			t.Fatalf("setup: %d %s", w.Code, w.Body)
		}
		fixedBefore := fixedRoles(e)

		w := send(method, path, body, authed)

		if w.Code >= 500 {
			t.Errorf("%s %s: %d %s", method, path, w.Code, w.Body)
		}
		if w.Code >= 400 {
			var m struct{ Message string }
			if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil || m.Message == "" {
				t.Errorf("%s %s: error %d without a message: %q", method, path, w.Code, w.Body)
			}
		}
		if after := fixedRoles(e); !reflect.DeepEqual(fixedBefore, after) {
			t.Errorf("%s %s changed a fixed role", method, path)
		}
		checkStore(t, e.s)
	})
}

func fixedRoles(e *Emulator) map[string]role {
	e.s.mu.RLock()
	defer e.s.mu.RUnlock()
	out := map[string]role{}
	for uid, r := range e.s.roles {
		if r.kind == kindFixed {
			out[uid] = *r
		}
	}
	return out
}

// checkStore asserts the invariants every handler must keep.
func checkStore(t *testing.T, s *store) {
	t.Helper()
	s.mu.RLock()
	defer s.mu.RUnlock()
	for uid, r := range s.roles {
		if r.uid != uid {
			t.Errorf("role stored under %q has uid %q", uid, r.uid)
		}
		if got := s.roleNames[r.orgID][r.name]; got != uid {
			t.Errorf("name %q in org %d indexes %q, not %q", r.name, r.orgID, got, uid)
		}
		if r.kind == kindCustom && (strings.HasPrefix(r.name, "fixed:") || strings.HasPrefix(r.name, "basic:") || strings.HasPrefix(r.name, "managed:")) {
			t.Errorf("custom role %q has a reserved prefix", r.name)
		}
		if r.kind == kindManaged && (!strings.HasPrefix(r.name, "managed:") || r.orgID == 0) {
			t.Errorf("managed role %q of org %d", r.name, r.orgID)
		}
		if !slices.IsSortedFunc(r.perms, comparePerm) || len(slices.CompactFunc(slices.Clone(r.perms), func(a, b perm) bool { return a == b })) != len(r.perms) {
			t.Errorf("role %q permissions are not a sorted set: %v", r.name, r.perms)
		}
	}
	for org, names := range s.roleNames {
		for name, uid := range names {
			if r, ok := s.roles[uid]; !ok || r.name != name || r.orgID != org {
				t.Errorf("index org %d name %q points to %q, which is not that role", org, name, uid)
			}
		}
	}
}
