package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/emulator"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// Seeding (-seed): at N=1000 and more an apply from empty takes Terraform
// many minutes (its own CPU, on the floors too), so the plans can be
// measured on an estate made directly: the emulator's objects through the
// client, as the apply would make them, and each configuration's state
// written from the state of a real apply at templateN, one instance scaled
// to N. The no-op plan finding no changes (checked, as always) is what
// shows the seeded estate is the applied one.

// templateN is the size of the real apply the states are scaled from.
const templateN = 3

var builtinNames = []string{"Viewer", "Editor", "Admin"}

func benchPermissions(i int) []grafana.Permission {
	s := fmt.Sprintf("bench-%d", i)
	return []grafana.Permission{
		{Action: "dashboards:read", Scope: "dashboards:uid:" + s},
		{Action: "dashboards:write", Scope: "dashboards:uid:" + s},
		{Action: "folders:read", Scope: "folders:uid:" + s},
	}
}

// seedEmulator makes the estate's roles, team grants and basic-role
// permissions, as providerConfig's apply does.
func seedEmulator(ctx context.Context, client *grafana.Client, e estate) error {
	for i := range e.N {
		_, err := client.CreateRole(ctx, grafana.CreateRoleRequest{
			UID: fmt.Sprintf("bench-%d", i), Name: fmt.Sprintf("custom:bench:%d", i),
			Description: fmt.Sprintf("Benchmark role %d", i), Group: "Benchmark", Permissions: benchPermissions(i),
		})
		if err != nil {
			return fmt.Errorf("seeding role %d: %w", i, err)
		}
		if err := client.AddTeamRole(ctx, e.TeamIDs[i%len(e.TeamIDs)], fmt.Sprintf("bench-%d", i)); err != nil {
			return fmt.Errorf("seeding team grant %d: %w", i, err)
		}
	}
	add := map[string][]grafana.Permission{}
	for i := range e.builtinAssignments() {
		b := builtinNames[i%len(builtinNames)]
		add[b] = append(add[b], benchPermissions(i)...)
	}
	for b, perms := range add {
		uid := "basic_" + strings.ToLower(b)
		role, err := client.GetRole(ctx, uid)
		if err != nil {
			return fmt.Errorf("seeding %s: %w", uid, err)
		}
		_, err = client.UpdateRole(ctx, uid, grafana.UpdateRoleRequest{
			Version: role.Version + 1, Name: role.Name, DisplayName: role.DisplayName, Description: role.Description,
			Group: role.Group, Global: role.Global, Hidden: role.Hidden,
			Permissions: grafana.NormalizePermissions(append(role.Permissions, perms...)),
		})
		if err != nil {
			return fmt.Errorf("seeding %s: %w", uid, err)
		}
	}
	return nil
}

// stateTemplates applies the three configurations at templateN, the
// provider's against an emulator of its own, and returns their states by
// configuration kind ("provider", "floor", "pluginfloor").
func (b *bench) stateTemplates(ctx context.Context, env []string) (map[string][]byte, error) {
	srv, err := emulator.NewServer(emulator.Config{Generation: b.opts.generation, Teams: []string{"template-team"}})
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	client, err := grafana.New(grafana.Config{URL: srv.URL, Auth: "admin:admin"})
	if err != nil {
		return nil, err
	}
	teams, err := client.SearchTeams(ctx, "template-team")
	if err != nil || len(teams) != 1 {
		return nil, fmt.Errorf("looking up the template's team: %v (%d found)", err, len(teams))
	}
	e := estate{N: templateN, TeamIDs: []int64{teams[0].ID}, ByUID: b.opts.byUID}
	env = append(env[:len(env):len(env)], "GRAFANA_URL="+srv.URL, "GRAFANA_AUTH=admin:admin")
	out := map[string][]byte{}
	for kind, cfg := range map[string]string{"provider": providerConfig(e), "floor": floorConfig(e), "pluginfloor": pluginFloorConfig(e)} {
		dir := filepath.Join(b.tmp, "template-"+kind)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cfg), 0o600); err != nil {
			return nil, err
		}
		if _, _, err := b.terraform(ctx, dir, env, []string{"apply", "-auto-approve"}, 0, "template"); err != nil {
			return nil, fmt.Errorf("template apply (%s): %w", kind, err)
		}
		if out[kind], err = os.ReadFile(filepath.Join(dir, "terraform.tfstate")); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// scaleState turns a state of the estate at templateN into the state of e:
// each resource's instance 0, with its index in names and scopes moved to
// i and the team, built-in role and ids each instance has. Private state
// is dropped: the provider keeps only what saves reads there.
func scaleState(tmpl []byte, e estate) ([]byte, error) {
	var st map[string]any
	if err := json.Unmarshal(tmpl, &st); err != nil {
		return nil, err
	}
	resources, _ := st["resources"].([]any)
	for _, r := range resources {
		res, _ := r.(map[string]any)
		insts, _ := res["instances"].([]any)
		if len(insts) == 0 {
			return nil, fmt.Errorf("template resource %v.%v has no instances", res["type"], res["name"])
		}
		first, err := json.Marshal(insts[0])
		if err != nil {
			return nil, err
		}
		typ, name := fmt.Sprint(res["type"]), fmt.Sprint(res["name"])
		count := e.N
		switch name {
		case "b":
			count = e.builtinAssignments()
		case "d":
			count = e.resources()
		}
		scaled := make([]any, count)
		for i := range count {
			raw := strings.NewReplacer(
				`bench-0"`, fmt.Sprintf(`bench-%d"`, i),
				`custom:bench:0"`, fmt.Sprintf(`custom:bench:%d"`, i),
				`Benchmark role 0"`, fmt.Sprintf(`Benchmark role %d"`, i),
			).Replace(string(first))
			var inst map[string]any
			if err := json.Unmarshal([]byte(raw), &inst); err != nil {
				return nil, err
			}
			inst["index_key"] = i
			delete(inst, "private")
			attrs, _ := inst["attributes"].(map[string]any)
			if attrs == nil {
				return nil, fmt.Errorf("template instance of %s.%s has no attributes", typ, name)
			}
			fixInstance(typ, name, i, attrs, e)
			scaled[i] = inst
		}
		res["instances"] = scaled
	}
	return json.MarshalIndent(st, "", "  ")
}

// fixInstance sets what instance i holds besides its index.
func fixInstance(typ, name string, i int, attrs map[string]any, e estate) {
	org := fmt.Sprint(attrs["org_id"])
	builtin := builtinNames[i%len(builtinNames)]
	switch typ + "." + name {
	case "grafanarbac_team_role_assignment.t":
		team := e.TeamIDs[i%len(e.TeamIDs)]
		attrs["team_id"] = team
		attrs["id"] = fmt.Sprintf("%s:%d:bench-%d", org, team, i)
	case "grafanarbac_builtin_role_assignment.b":
		attrs["builtin_role"] = builtin
		attrs["id"] = fmt.Sprintf("%s:%s:bench-%d", org, builtin, i)
	case "terraform_data.d":
		attrs["id"] = fmt.Sprintf("d-%d", i)
	case "pluginfloor_item.r":
		attrs["id"] = fmt.Sprintf("r-%d", i)
	case "pluginfloor_item.t":
		attrs["id"], attrs["name"], attrs["scope"] = fmt.Sprintf("t-%d", i), fmt.Sprintf("r-%d", i), fmt.Sprintf("team-%d", i%max(1, len(e.TeamIDs)))
	case "pluginfloor_item.b":
		attrs["id"], attrs["name"], attrs["scope"] = fmt.Sprintf("b-%d", i), fmt.Sprintf("r-%d", i), builtin
	}
}
