// Package provisioning decodes and validates Grafana's access-control
// provisioning files (provisioning/access-control/*.yaml), as described in
// the contract (/work/shared/grafana-access-control.md). It knows nothing of
// Terraform or HTTP: the provider's provisioning function and the emulator's
// start-up loading share it, so both read a file the same way.
package provisioning

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// DefaultOrgID is the organization of entries without orgId: Grafana's
// default organization (auto_assign_org_id, 1 unless reconfigured).
const DefaultOrgID int64 = 1

// APIVersion is the only file format version this package reads.
const APIVersion int64 = 1

// BuiltinRoles are the built-in role names a file may grant to, exactly as
// spelled. (Grafana 9's basic role None takes no assignments.)
var BuiltinRoles = []string{"Viewer", "Editor", "Admin", "Grafana Admin"}

// GrafanaAdmin is the server-wide built-in role, whose grants are global.
const GrafanaAdmin = "Grafana Admin"

// FixedPrefix starts the names of Grafana's own roles.
const FixedPrefix = "fixed:"

// reservedPrefixes may not start a custom role's name.
var reservedPrefixes = []string{FixedPrefix, "basic:", "managed:"}

const maxNameLen = 190

// File is one provisioning file, decoded, validated and with defaults filled in.
type File struct {
	APIVersion               int64
	Roles                    []Role
	DeleteRoles              []DeleteRole
	RemoveDefaultAssignments []DefaultAssignment
	AddDefaultAssignments    []DefaultAssignment
}

// Permission is one action on one scope; Scope may be empty.
type Permission struct {
	Action string
	Scope  string
}

// Role is an entry of roles. A fixed role (Fixed) only lists teams.
type Role struct {
	Name        string
	UID         string // "" when not given: Grafana generates one
	Description string
	Version     int64 // 0 when not given
	OrgID       int64 // 0 for a global role
	Global      bool
	Fixed       bool
	// Permissions are those without state or with state: present;
	// AbsentPermissions those with state: absent (generation 2), taken away
	// from what From copies.
	Permissions       []Permission
	AbsentPermissions []Permission
	From              []RoleRef
	BuiltInRoles      []BuiltInRole
	Teams             []Team
}

// RoleRef names another role whose permissions a role copies (from).
type RoleRef struct {
	Name   string
	UID    string
	Global bool
}

// BuiltInRole is a grant of a role to a built-in role.
type BuiltInRole struct {
	Name   string
	OrgID  int64 // 0 for a global grant
	Global bool
}

// Team is a grant of a role to a team, found by name in its organization.
type Team struct {
	Name  string
	OrgID int64
}

// DeleteRole is an entry of deleteRoles.
type DeleteRole struct {
	Name   string
	UID    string
	OrgID  int64 // 0 for a global role
	Global bool
	Force  bool
}

// DefaultAssignment is a default grant of a fixed role to a built-in role.
type DefaultAssignment struct {
	BuiltInRole string
	FixedRole   string
}

// Problem is one broken rule: where it is and what to do.
type Problem struct {
	Where string // e.g. `roles[1] "custom:reports:editor", permissions[0]`
	Line  int    // 0 when unknown
	Rule  string // the rule and the fix
}

func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s (line %d): %s", p.Where, p.Line, p.Rule)
	}
	return fmt.Sprintf("%s: %s", p.Where, p.Rule)
}

// Error lists every problem of a file, in file order.
type Error struct {
	Problems []Problem
}

func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Parse decodes one provisioning file. An empty file is an empty File. The
// error is an *Error listing every problem found, or a YAML syntax error.
func Parse(data []byte) (*File, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("not valid YAML: %w", err)
	}
	d := &decoder{}
	f := &File{APIVersion: APIVersion}
	if len(doc.Content) > 0 {
		d.file(doc.Content[0], f)
	}
	if len(d.problems) > 0 {
		return nil, &Error{Problems: d.problems}
	}
	return f, nil
}

// LoadDir parses every *.yaml and *.yml file of dir, in name order, as
// Grafana reads provisioning/access-control. A missing directory holds no
// files. Errors name the file.
func LoadDir(dir string) ([]*File, error) {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if ext := filepath.Ext(e.Name()); !e.IsDir() && (ext == ".yaml" || ext == ".yml") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	var files []*File
	for _, name := range names {
		path := filepath.Join(dir, name)
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		f, err := Parse(data)
		if err != nil {
			return nil, fmt.Errorf("%s:\n%w", path, err)
		}
		files = append(files, f)
	}
	return files, nil
}

// CheckUnique reports entries that name the same thing twice: two roles
// entries for one role, or one default grant both removed and added. Grafana
// would apply them one after the other; a Terraform configuration cannot
// hold both, so the provider's function refuses them.
func CheckUnique(f *File) error {
	var problems []Problem
	byName := map[[2]string]int{}
	byUID := map[string]int{}
	for i, r := range f.Roles {
		where := fmt.Sprintf("roles[%d] %q", i, r.Name)
		k := [2]string{fmt.Sprint(r.OrgID), r.Name}
		if j, dup := byName[k]; dup {
			problems = append(problems, Problem{Where: where, Rule: fmt.Sprintf("the same role as roles[%d]; merge the two entries into one", j)})
			continue
		}
		byName[k] = i
		if r.UID == "" {
			continue
		}
		if j, dup := byUID[r.UID]; dup {
			problems = append(problems, Problem{Where: where, Rule: fmt.Sprintf("uid %q is also used by roles[%d]; uids are unique across the instance", r.UID, j)})
			continue
		}
		byUID[r.UID] = i
	}
	defaults := map[DefaultAssignment]string{}
	for _, list := range []struct {
		key     string
		entries []DefaultAssignment
	}{{"removeDefaultAssignments", f.RemoveDefaultAssignments}, {"addDefaultAssignments", f.AddDefaultAssignments}} {
		for i, a := range list.entries {
			where := fmt.Sprintf("%s[%d] %q", list.key, i, a.BuiltInRole+" / "+a.FixedRole)
			if prev, dup := defaults[a]; dup {
				problems = append(problems, Problem{Where: where, Rule: fmt.Sprintf("the same grant as %s; keep one entry", prev)})
				continue
			}
			defaults[a] = fmt.Sprintf("%s[%d]", list.key, i)
		}
	}
	if len(problems) > 0 {
		return &Error{Problems: problems}
	}
	return nil
}

// decoder walks the YAML tree so that every problem can name its entry,
// index and line, which strict struct decoding cannot.
type decoder struct {
	problems []Problem
}

func (d *decoder) fail(where string, n *yaml.Node, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	d.problems = append(d.problems, Problem{Where: where, Line: line, Rule: fmt.Sprintf(format, args...)})
}

// fields returns the values of a mapping by key and reports keys not in known.
func (d *decoder) fields(n *yaml.Node, where string, known ...string) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return out
	}
	if n.Kind != yaml.MappingNode {
		d.fail(where, n, "expected a mapping of keys to values, found %s", kindName(n))
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case !slices.Contains(known, k.Value):
			hint := ""
			for _, want := range known {
				if strings.EqualFold(want, k.Value) {
					hint = fmt.Sprintf(" Did you mean %q? Keys are case-sensitive.", want)
				}
			}
			d.fail(where, k, "unknown key %q. Known keys: %s.%s", k.Value, strings.Join(known, ", "), hint)
		case out[k.Value] != nil:
			d.fail(where, k, "key %q appears twice; keep one", k.Value)
		default:
			out[k.Value] = v
		}
	}
	return out
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.AliasNode:
		return "an alias"
	}
	return fmt.Sprintf("the value %q", n.Value)
}

func isNull(n *yaml.Node) bool { return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null") }

func (d *decoder) str(m map[string]*yaml.Node, key, where string) string {
	n := m[key]
	if isNull(n) {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		d.fail(where, n, "%s must be a string, found %s", key, kindName(n))
		return ""
	}
	return n.Value
}

func (d *decoder) boolean(m map[string]*yaml.Node, key, where string) bool {
	n := m[key]
	if isNull(n) {
		return false
	}
	var b bool
	if n.Kind != yaml.ScalarNode || n.Decode(&b) != nil {
		d.fail(where, n, "%s must be true or false, found %s", key, kindName(n))
	}
	return b
}

// integer returns the value and whether the key was given.
func (d *decoder) integer(m map[string]*yaml.Node, key, where string) (int64, bool) {
	n := m[key]
	if isNull(n) {
		return 0, false
	}
	var v int64
	if n.Kind != yaml.ScalarNode || n.Decode(&v) != nil {
		d.fail(where, n, "%s must be a whole number, found %s", key, kindName(n))
		return 0, false
	}
	return v, true
}

func (d *decoder) list(m map[string]*yaml.Node, key, where string) []*yaml.Node {
	n := m[key]
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.fail(where, n, "%s must be a list, found %s", key, kindName(n))
		return nil
	}
	return n.Content
}

// orgID reads an orgId, which must be a positive number when given.
func (d *decoder) orgID(m map[string]*yaml.Node, where string) (int64, bool) {
	v, ok := d.integer(m, "orgId", where)
	if ok && v < 1 {
		d.fail(where, m["orgId"], "orgId must be 1 or more (organizations are numbered from 1), found %d", v)
		return 0, false
	}
	return v, ok
}

// file decodes the top level in file order, so that problems are listed
// in the order a reader meets them.
func (d *decoder) file(n *yaml.Node, f *File) {
	top := d.fields(n, "file", "apiVersion", "roles", "deleteRoles", "removeDefaultAssignments", "addDefaultAssignments")
	if v, ok := d.integer(top, "apiVersion", "file"); ok && v != APIVersion {
		d.fail("file", top["apiVersion"], "apiVersion %d is not supported; this format is apiVersion: %d", v, APIVersion)
	}
	for i := 0; n.Kind == yaml.MappingNode && i+1 < len(n.Content); i += 2 {
		key := n.Content[i].Value
		if key == "apiVersion" || top[key] != n.Content[i+1] {
			continue // read above, or an unknown or repeated key, already reported
		}
		for j, e := range d.list(top, key, "file") {
			switch key {
			case "roles":
				f.Roles = append(f.Roles, d.role(e, j))
			case "deleteRoles":
				f.DeleteRoles = append(f.DeleteRoles, d.deleteRole(e, j))
			case "removeDefaultAssignments", "addDefaultAssignments":
				a := d.defaultAssignment(e, key, j)
				if key == "removeDefaultAssignments" {
					f.RemoveDefaultAssignments = append(f.RemoveDefaultAssignments, a)
				} else {
					f.AddDefaultAssignments = append(f.AddDefaultAssignments, a)
				}
			}
		}
	}
}

// entryName labels an entry by its index and, when it has one, its name.
func entryName(key string, i int, name string) string {
	if name == "" {
		return fmt.Sprintf("%s[%d]", key, i)
	}
	return fmt.Sprintf("%s[%d] %q", key, i, name)
}

func peekName(n *yaml.Node, key string) string {
	if n.Kind != yaml.MappingNode {
		return ""
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key && n.Content[i+1].Kind == yaml.ScalarNode && n.Content[i+1].Tag != "!!null" {
			return n.Content[i+1].Value
		}
	}
	return ""
}

func reservedPrefix(name string) string {
	for _, p := range reservedPrefixes {
		if strings.HasPrefix(name, p) {
			return p
		}
	}
	return ""
}

func (d *decoder) role(n *yaml.Node, i int) Role {
	where := entryName("roles", i, peekName(n, "name"))
	m := d.fields(n, where, "name", "uid", "description", "version", "orgId", "global", "permissions", "builtInRoles", "teams", "from")
	r := Role{
		Name:        d.str(m, "name", where),
		UID:         d.str(m, "uid", where),
		Description: d.str(m, "description", where),
		Global:      d.boolean(m, "global", where),
	}
	r.Fixed = strings.HasPrefix(r.Name, FixedPrefix)
	// The version and the uid's form rest on rules Grafana is only assumed
	// to have: the resources check them, as their plan_checks says.
	if v, ok := d.integer(m, "version", where); ok {
		r.Version = v
	}
	r.OrgID = DefaultOrgID
	if v, ok := d.orgID(m, where); ok {
		r.OrgID = v
	}
	if r.Global {
		r.OrgID = 0 // global drops orgId, as in Grafana
	}

	switch p := reservedPrefix(r.Name); {
	case strings.TrimSpace(r.Name) == "":
		d.fail(where, n, "name is required: every role needs one, e.g. name: custom:reports:editor")
	case utf8.RuneCountInString(r.Name) > maxNameLen:
		d.fail(where, m["name"], "name is longer than %d characters; shorten it", maxNameLen)
	case r.Fixed:
		for _, key := range []string{"permissions", "builtInRoles", "from"} {
			if !isNull(m[key]) {
				d.fail(where, m[key], "a fixed role may only list teams; fixed roles cannot be changed, so remove %s "+
					"(grant a fixed role to a built-in role with addDefaultAssignments)", key)
			}
		}
		if !r.Global {
			d.fail(where, n, "fixed roles are global: set global: true")
		}
	case p != "":
		d.fail(where, m["name"], "name must not start with %q, which Grafana reserves for its own roles; use a name such as custom:<area>:<verb>", p)
	}

	for j, e := range d.list(m, "permissions", where) {
		pw := fmt.Sprintf("%s, permissions[%d]", where, j)
		pm := d.fields(e, pw, "action", "scope", "state")
		p := Permission{Action: d.str(pm, "action", pw), Scope: d.str(pm, "scope", pw)}
		if strings.TrimSpace(p.Action) == "" {
			d.fail(pw, e, "action is required: every permission needs one, e.g. action: reports:read")
		}
		switch state := d.str(pm, "state", pw); state {
		case "", "present":
			r.Permissions = append(r.Permissions, p)
		case "absent":
			r.AbsentPermissions = append(r.AbsentPermissions, p)
		default:
			d.fail(pw, pm["state"], "state must be present or absent, found %q", state)
		}
	}

	for j, e := range d.list(m, "from", where) {
		fw := fmt.Sprintf("%s, from[%d]", where, j)
		fm := d.fields(e, fw, "name", "uid", "global")
		ref := RoleRef{Name: d.str(fm, "name", fw), UID: d.str(fm, "uid", fw), Global: d.boolean(fm, "global", fw)}
		if ref.Name == "" && ref.UID == "" {
			d.fail(fw, e, "name or uid is required to find the role to copy permissions from")
		}
		r.From = append(r.From, ref)
	}

	for j, e := range d.list(m, "builtInRoles", where) {
		bw := fmt.Sprintf("%s, builtInRoles[%d]", where, j)
		bm := d.fields(e, bw, "name", "orgId", "global")
		b := BuiltInRole{Name: d.str(bm, "name", bw), Global: d.boolean(bm, "global", bw)}
		bw = fmt.Sprintf("%s, builtInRoles[%d] %q", where, j, b.Name)
		org, orgGiven := d.orgID(bm, bw)
		switch {
		case b.Global:
			b.OrgID = 0
		case orgGiven:
			b.OrgID = org
		case r.Global:
			b.OrgID = DefaultOrgID
		default:
			b.OrgID = r.OrgID // inherits the role's organization
		}
		switch {
		case !slices.Contains(BuiltinRoles, b.Name):
			d.fail(bw, bm["name"], "name must be one of %s (case-sensitive), found %q%s", quoted(BuiltinRoles), b.Name, didYouMean(b.Name))
		case b.Name == GrafanaAdmin && !b.Global:
			d.fail(bw, e, "Grafana Admin grants hold in every organization: set global: true")
		case b.Global && !r.Global:
			d.fail(bw, bm["global"], "the role belongs to organization %d, so it can only be granted there: remove global, or make the role global", r.OrgID)
		case !r.Global && b.OrgID != r.OrgID:
			d.fail(bw, bm["orgId"], "orgId %d differs from the role's organization %d: a role that is not global is granted only in its own organization; remove orgId", b.OrgID, r.OrgID)
		}
		r.BuiltInRoles = append(r.BuiltInRoles, b)
	}

	for j, e := range d.list(m, "teams", where) {
		tw := fmt.Sprintf("%s, teams[%d]", where, j)
		tm := d.fields(e, tw, "name", "orgId")
		t := Team{Name: d.str(tm, "name", tw)}
		tw = entryName(where+", teams", j, t.Name)
		org, orgGiven := d.orgID(tm, tw)
		switch {
		case orgGiven:
			t.OrgID = org
		case r.Global:
			t.OrgID = DefaultOrgID
		default:
			t.OrgID = r.OrgID
		}
		switch {
		case strings.TrimSpace(t.Name) == "":
			d.fail(tw, e, "name is required: the name of an existing team")
		case !r.Global && t.OrgID != r.OrgID:
			d.fail(tw, tm["orgId"], "orgId %d differs from the role's organization %d: a role that is not global is granted only in its own organization; remove orgId", t.OrgID, r.OrgID)
		}
		r.Teams = append(r.Teams, t)
	}
	return r
}

func (d *decoder) deleteRole(n *yaml.Node, i int) DeleteRole {
	name := peekName(n, "name")
	if name == "" {
		name = peekName(n, "uid")
	}
	where := entryName("deleteRoles", i, name)
	m := d.fields(n, where, "name", "uid", "orgId", "global", "force")
	r := DeleteRole{
		Name:   d.str(m, "name", where),
		UID:    d.str(m, "uid", where),
		Global: d.boolean(m, "global", where),
		Force:  d.boolean(m, "force", where),
		OrgID:  DefaultOrgID,
	}
	if v, ok := d.orgID(m, where); ok {
		r.OrgID = v
	}
	if r.Global {
		r.OrgID = 0
	}
	switch p := reservedPrefix(r.Name); {
	case r.Name == "" && r.UID == "":
		d.fail(where, n, "name or uid is required to find the role to delete")
	case p != "":
		d.fail(where, m["name"], "roles starting with %q belong to Grafana and cannot be deleted; remove this entry", p)
	case slices.Contains(basicRoleUIDs, r.UID):
		d.fail(where, m["uid"], "%q is a basic role, which cannot be deleted; remove this entry", r.UID)
	}
	return r
}

// basicRoleUIDs are fixed by Grafana (generation 2); deleting one by uid
// is refused like deleting it by name.
var basicRoleUIDs = []string{"basic_viewer", "basic_editor", "basic_admin", "basic_grafana_admin", "basic_none"}

func (d *decoder) defaultAssignment(n *yaml.Node, key string, i int) DefaultAssignment {
	var parts []string
	for _, key := range []string{"builtInRole", "fixedRole"} {
		if v := peekName(n, key); v != "" {
			parts = append(parts, v)
		}
	}
	label := strings.Join(parts, " / ")
	where := entryName(key, i, label)
	m := d.fields(n, where, "builtInRole", "fixedRole")
	a := DefaultAssignment{BuiltInRole: d.str(m, "builtInRole", where), FixedRole: d.str(m, "fixedRole", where)}
	if !slices.Contains(BuiltinRoles, a.BuiltInRole) {
		d.fail(where, m["builtInRole"], "builtInRole must be one of %s (case-sensitive), found %q%s", quoted(BuiltinRoles), a.BuiltInRole, didYouMean(a.BuiltInRole))
	}
	switch {
	case a.FixedRole == "":
		d.fail(where, n, "fixedRole is required: the name of a fixed role, e.g. fixedRole: fixed:reports:reader")
	case !strings.HasPrefix(a.FixedRole, FixedPrefix):
		d.fail(where, m["fixedRole"], "fixedRole must name a fixed role (starting with fixed:), found %q", a.FixedRole)
	}
	return a
}

// didYouMean suggests the built-in role a wrongly cased name meant.
func didYouMean(name string) string {
	for _, b := range BuiltinRoles {
		if strings.EqualFold(b, strings.TrimSpace(name)) {
			return fmt.Sprintf("; did you mean %q?", b)
		}
	}
	return ""
}

func quoted(values []string) string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(out, ", ")
}
