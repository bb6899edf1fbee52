package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/emulator"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// The path a user with a real Grafana takes (GRAFANA_URL/GRAFANA_AUTH),
// with an emulator standing in for that Grafana.
func TestAccDemo_grafanaURL(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make demos does)")
	}
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tf == "" {
		var err error
		if tf, err = exec.LookPath("terraform"); err != nil {
			t.Fatal("no terraform CLI: set TF_ACC_TERRAFORM_PATH")
		}
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}

	for _, gen := range []int{8, 12} {
		t.Run(fmt.Sprintf("generation %d", gen), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			srv, err := emulator.NewServer(emulator.Config{Generation: gen})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			client, err := grafana.New(grafana.Config{URL: srv.URL, Auth: "admin:admin"})
			if err != nil {
				t.Fatal(err)
			}
			// A team the demo needs and finds: it must still be there afterwards.
			reporting, err := client.CreateTeam(ctx, "Reporting", "")
			if err != nil {
				t.Fatal(err)
			}
			before := grants(ctx, t, client, gen)

			var out bytes.Buffer
			err = run(ctx, options{
				Generation: 13, // ignored: URL is set
				Root:       root,
				Dir:        filepath.Join(root, "examples", "demo"),
				URL:        srv.URL,
				Auth:       "admin:admin",
				Terraform:  tf,
				// Unreachable: init must install the provider without the registry.
				Env:    []string{"HTTPS_PROXY=http://127.0.0.1:9", "HTTP_PROXY=http://127.0.0.1:9"},
				Stdout: &out,
				Stderr: &out,
			})
			if err != nil {
				t.Fatalf("demo: %v\n%s", err, out.String())
			}
			for _, want := range []string{
				"using the Grafana at " + srv.URL,
				"Terraform has been successfully initialized!",
				"Apply complete! Resources: 7 added",
				"No changes.",
				"Destroy complete! Resources: 7 destroyed.",
				"created team Data source admins",
				"removed team Data source admins",
			} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("output lacks %q:\n%s", want, out.String())
				}
			}
			if strings.Contains(out.String(), "Incomplete lock file information") {
				t.Errorf("terraform init warned about the lock file:\n%s", out.String())
			}
			if strings.Contains(out.String(), "emulator (generation") {
				t.Errorf("the demo started its own emulator:\n%s", out.String())
			}

			for _, uid := range []string{"demo_reports_creator", "demo_reports_admin", "demo_datasources_admin"} {
				if _, err := client.GetRole(ctx, uid); !grafana.IsNotFound(err) {
					t.Errorf("role %s after the demo: want not found, got %v", uid, err)
				}
			}
			if _, err := client.GetTeam(ctx, reporting); err != nil {
				t.Errorf("team Reporting, there before the demo: %v", err)
			}
			if teams, err := client.SearchTeams(ctx, "Data source admins"); err != nil || len(teams) != 0 {
				t.Errorf("team the demo created: want removed, got %v, %v", teams, err)
			}
			if after := grants(ctx, t, client, gen); !reflect.DeepEqual(after, before) {
				t.Errorf("built-in role grants after the demo:\n%v\nwant, as before it:\n%v", after, before)
			}
		})
	}
}

// grants is what the built-in roles are granted: the roles assigned to them
// on generation 1, their basic roles' permissions on generation 2.
func grants(ctx context.Context, t *testing.T, client *grafana.Client, gen int) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	if gen == 8 {
		assigned, err := client.ListBuiltinRoleAssignments(ctx, true)
		if err != nil {
			t.Fatal(err)
		}
		for builtin, roles := range assigned {
			for _, r := range roles {
				out[builtin] = append(out[builtin], r.UID)
			}
			slices.Sort(out[builtin])
		}
		return out
	}
	for _, uid := range []string{"basic_viewer", "basic_editor", "basic_admin", "basic_grafana_admin"} {
		r, err := client.GetRole(ctx, uid)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range r.Permissions {
			out[uid] = append(out[uid], p.Action+" "+p.Scope)
		}
		slices.Sort(out[uid])
	}
	return out
}
