package acctest_test

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	sdkacctest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/acctest"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// docsExample is one configuration the docs show: an examples/ directory or
// a fenced block of a Markdown page.
type docsExample struct {
	name  string
	files map[string]string
	// check runs after the apply, before the destroy.
	check func(t *testing.T)
}

// Not applied here, and why.
var docsExamplesNotApplied = map[string]string{
	"examples/demo":                      "make demos applies it (internal/demo)",
	"examples/migrate-from-provisioning": "TestAccProvisioningMigrationEquivalence (internal/provider) applies it on 8, 12 and 13",
	"examples/provider":                  "it names a placeholder URL; TestExamples validates it",
}

// TestAccDocsExamples applies every example the documentation shows (each
// directory of examples/, from which docs/ is generated, the HCL blocks of
// README.md and of docs/guides/) to the emulator, then proves the next plan
// is empty and destroys. The examples use Grafana 9+ names; on generation 1
// only the README's, which avoids them, runs. The names the examples give
// and look up get this run's prefix (docsNames), so that objects of a real
// Grafana, or of an earlier run, cannot collide with them.
func TestAccDocsExamples(t *testing.T) {
	env := acctest.Get(t)
	tf, root, work := terraformWithProvider(t)
	ctx := context.Background()
	// Eight characters: the longest uid, with the prefix, stays within Grafana's 40.
	own := docsNames("tf-acc-" + sdkacctest.RandString(8))

	// What the examples look up must exist: the team Reporting, and a
	// user in place of the ids they name.
	teamID, err := env.Client.CreateTeam(ctx, own.name("Reporting"), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Client.DeleteTeam(ctx, teamID) })
	userID, _ := env.CreateUser(t, "docs")
	userIDs := regexp.MustCompile(`(user_id\s*=\s*)\d+`)

	var examples []docsExample
	for i, block := range hclBlocks(t, filepath.Join(root, "README.md")) {
		examples = append(examples, docsExample{name: fmt.Sprintf("README.md block %d", i+1), files: map[string]string{"main.tf": own.text(block)}})
	}
	gen2 := env.Generation(t) == grafana.Generation2
	if gen2 {
		numbers := grafanaNumbersVersions(t, env)
		for _, b := range guideBlocks(t, root, "access-control.md", "large-estates.md") {
			i, block := b.index, b.text
			if numbers {
				// Do what the guide tells a Grafana 13 user.
				block = grafana13Lines.ReplaceAllString(block, "")
			}
			ex := docsExample{name: fmt.Sprintf("docs/guides/%s block %d", b.guide, i+1), files: map[string]string{"main.tf": own.text(block)}}
			if strings.Contains(block, "access-control.yaml") {
				// The migration snippet: a global role must stay global.
				ex.files["access-control.yaml"] = own.text("apiVersion: 1\nroles:\n" +
					"  - name: custom:docs:global\n    uid: docs_global\n    global: true\n    version: 1\n" +
					"    permissions:\n      - action: reports:read\n        scope: reports:*\n" +
					"  - name: custom:docs:org\n    uid: docs_org\n    version: 3\n" +
					"    permissions:\n      - action: reports:read\n        scope: reports:*\n")
				ex.check = func(t *testing.T) {
					for uid, global := range map[string]bool{"docs_global": true, "docs_org": false} {
						r, err := env.Client.GetRole(ctx, own.name(uid))
						if err != nil {
							t.Fatalf("role %s: %v", uid, err)
						}
						if r.Global != global {
							t.Errorf("role %s: global = %v, the file says %v", uid, r.Global, global)
						}
					}
				}
			}
			examples = append(examples, ex)
		}
		// The look-up examples name the user alice, the service account
		// ci-deployer and the role custom-reports-reader.
		alice, err := env.Client.CreateUser(ctx, grafana.CreateUserRequest{Login: own.name("alice"), Password: "pw-docs-alice", OrgID: env.OrgID})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = env.Client.DeleteUser(ctx, alice) })
		ci, err := env.Client.CreateServiceAccount(ctx, own.name("ci-deployer"), "Viewer")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = env.Client.DeleteServiceAccount(ctx, ci.ID) })
		// The role is granted to nothing, but a basic role holds it in full
		// once an example grants reports:read: the destroy must still take
		// that permission away (issue 16).
		if _, err := env.Client.CreateRole(ctx, grafana.CreateRoleRequest{UID: own.name("custom-reports-reader"), Name: own.text("custom:docs:reports-reader"),
			Permissions: []grafana.Permission{{Action: "reports:read", Scope: "reports:*"}}}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			_ = env.Client.DeleteRole(ctx, own.name("custom-reports-reader"), grafana.DeleteRoleOptions{Force: true})
		})
		dirs, err := exampleDirs(filepath.Join(root, "examples"))
		if err != nil {
			t.Fatal(err)
		}
		for _, dir := range dirs {
			name, _ := filepath.Rel(root, dir)
			if _, skip := docsExamplesNotApplied[name]; skip {
				continue
			}
			files := map[string]string{}
			tfs, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
			for _, f := range tfs {
				b, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				files[filepath.Base(f)] = own.text(userIDs.ReplaceAllString(string(b), "${1}"+strconv.FormatInt(userID, 10)))
			}
			examples = append(examples, docsExample{name: name, files: files})
		}
	}
	if len(examples) < 10 && gen2 {
		t.Fatalf("found only %d examples", len(examples))
	}

	grafanaEnv := []string{"GRAFANA_URL=" + env.URL, "GRAFANA_AUTH=" + env.Auth, "GRAFANA_ORG_ID=" + strconv.FormatInt(env.OrgID, 10)}
	for _, ex := range examples {
		t.Run(ex.name, func(t *testing.T) {
			dir := t.TempDir()
			if !slices.ContainsFunc(slices.Collect(maps.Values(ex.files)), func(s string) bool { return strings.Contains(s, "required_providers") }) {
				// A fragment of a configuration that declares the provider, as
				// provider functions need.
				ex.files["versions.tf"] = "terraform {\n  required_providers {\n    grafanarbac = { source = \"grafanarbac/grafanarbac\" }\n  }\n}\n"
			}
			for name, text := range ex.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			run := func(args ...string) error {
				_, err := runTerraform(tf, work, dir, grafanaEnv, append(args, "-input=false", "-no-color")...)
				return err
			}
			before := basicRolePerms(t, env, gen2)
			if err := run("apply", "-auto-approve"); err != nil {
				_ = run("destroy", "-auto-approve")
				t.Fatalf("terraform apply: %v", err)
			}
			defer func() {
				if err := run("destroy", "-auto-approve"); err != nil {
					t.Errorf("terraform destroy: %v", err)
				}
				// Nothing is kept that the configuration does not say.
				after := basicRolePerms(t, env, gen2)
				for uid := range before {
					if gained, lost := setDiff(after[uid], before[uid]), setDiff(before[uid], after[uid]); len(gained)+len(lost) > 0 {
						t.Errorf("the destroy left %s changed: it gained %q and lost %q", uid, gained, lost)
					}
				}
			}()
			if err := run("plan", "-detailed-exitcode"); err != nil {
				t.Errorf("the plan after the apply is not empty: %v", err)
			}
			if ex.check != nil {
				ex.check(t)
			}
		})
	}
}

// docsNames gives the fixed names of the docs' examples a prefix of one run
// (tf-acc-…): the objects the examples look up (a team, a user, a service
// account, a role), the uids they give, and every custom role's name.
type docsNames string

// fixedNames are the values (after = in HCL, : in YAML) the examples give
// or look up by name; labels such as data "grafanarbac_user" "alice" stay.
var fixedNames = regexp.MustCompile(`([=:]\s*"?)((?:Reporting|alice|ci-deployer|custom-reports-reader|custom_reports_editor|docs_global|docs_org)\b|estate-)`)

// name is a fixed name of the examples with the run's prefix.
func (n docsNames) name(s string) string { return string(n) + "-" + s }

// text is an example with the run's names.
func (n docsNames) text(s string) string {
	s = fixedNames.ReplaceAllString(s, "${1}"+string(n)+"-${2}")
	return strings.ReplaceAll(s, "custom:", "custom:"+string(n)+":")
}

// basicRolePerms is what each basic role grants (generation 2), as
// "action scope" lines; nil on generation 1.
func basicRolePerms(t *testing.T, env *acctest.Env, gen2 bool) map[string][]string {
	t.Helper()
	if !gen2 {
		return nil
	}
	out := map[string][]string{}
	for _, uid := range []string{"basic_viewer", "basic_editor", "basic_admin", "basic_grafana_admin"} {
		r, err := env.Client.GetRole(context.Background(), uid)
		if err != nil {
			t.Fatalf("reading %s: %v", uid, err)
		}
		var lines []string
		for _, p := range r.Permissions {
			lines = append(lines, p.Action+" "+p.Scope)
		}
		out[uid] = lines
	}
	return out
}

// setDiff is what a holds and b does not.
func setDiff(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// grafana13Lines are the lines of an example that say to leave them out on Grafana 13.
var grafana13Lines = regexp.MustCompile(`(?m)^.*# leave it out on Grafana 13.*\n`)

// grafanaNumbersVersions tells whether the Grafana is 13 or later, which
// numbers role versions itself (contract rule 1).
func grafanaNumbersVersions(t *testing.T, env *acctest.Env) bool {
	t.Helper()
	h, err := env.Client.Health(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	major, _, err := grafana.ParseVersion(h.Version)
	if err != nil {
		t.Fatal(err)
	}
	return major >= 13
}

// guideBlock is one HCL block of a guide under docs/guides.
type guideBlock struct {
	guide, text string
	index       int // within its guide
}

func guideBlocks(t *testing.T, root string, guides ...string) []guideBlock {
	var out []guideBlock
	for _, g := range guides {
		blocks := hclBlocks(t, filepath.Join(root, "docs", "guides", g))
		if len(blocks) == 0 {
			t.Fatalf("docs/guides/%s has no HCL block to run", g)
		}
		for i, text := range blocks {
			out = append(out, guideBlock{guide: g, text: text, index: i})
		}
	}
	return out
}

// The run's prefix reaches every name an example gives or looks up, and no
// label or reference.
func TestDocsNames(t *testing.T) {
	for in, want := range map[string]string{
		`data "grafanarbac_user" "alice" { login = "alice" }`: `data "grafanarbac_user" "alice" { login = "tf-acc-x-alice" }`,
		`name = "Reporting"`:                       `name = "tf-acc-x-Reporting"`,
		`name = "custom:reports:editor"`:           `name = "custom:tf-acc-x:reports:editor"`,
		`uid  = "estate-${each.key}"`:              `uid  = "tf-acc-x-estate-${each.key}"`,
		"  - uid: docs_global\n":                   "  - uid: tf-acc-x-docs_global\n",
		`users = [data.grafanarbac_user.alice.id]`: `users = [data.grafanarbac_user.alice.id]`,
	} {
		if got := docsNames("tf-acc-x").text(in); got != want {
			t.Errorf("%q became %q, want %q", in, got, want)
		}
	}
}
