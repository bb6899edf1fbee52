package main

import (
	"fmt"
	"strings"
)

// estate is the shape of one benchmark configuration.
type estate struct {
	N       int     // custom roles, and team role assignments
	TeamIDs []int64 // teams the assignments are spread over
	// ByUID makes the assignments name their role by its uid, with
	// depends_on for the order, instead of by reference. Terraform 1.11
	// (and older) evaluates a reference to one instance of a counted
	// resource by building all its instances, each looked up among all
	// planned changes (hashicorp/terraform#26355, fixed upstream in May
	// 2025 by #37154): at N=1000 that is about 20 s of Terraform's CPU per
	// plan, which no provider can save.
	ByUID bool
}

// roleRef is how an assignment names role count.index: a reference to
// resource's attr, or the value itself (literal) with depends_on.
func (e estate) roleRef(resource, attr, literal string) string {
	if e.ByUID {
		return fmt.Sprintf("%q\n  depends_on = [%s]", literal, resource)
	}
	return fmt.Sprintf("%s[count.index].%s", resource, attr)
}

// builtinAssignments is N/10, at least one.
func (e estate) builtinAssignments() int { return max(1, e.N/10) }

// resources is how many resources the configuration declares.
func (e estate) resources() int { return 2*e.N + e.builtinAssignments() }

// changedIndex is the role the "one role changed" plan edits: the last one,
// which no built-in role assignment grants, so exactly one resource changes.
func (e estate) changedIndex() int { return e.N - 1 }

// providerConfig is the estate as grafanarbac resources. The variable
// `changed` names a role whose permissions differ (-1: none).
func providerConfig(e estate) string {
	ids := make([]string, len(e.TeamIDs))
	for i, id := range e.TeamIDs {
		ids[i] = fmt.Sprint(id)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `terraform {
  required_providers {
    grafanarbac = {
      source = "grafanarbac/grafanarbac"
    }
  }
}

# url and auth come from GRAFANA_URL and GRAFANA_AUTH.
provider "grafanarbac" {}

variable "changed" {
  type    = number
  default = -1
}

locals {
  teams    = [%s]
  builtins = ["Viewer", "Editor", "Admin"]
}

resource "grafanarbac_custom_role" "r" {
  count       = %d
  uid         = "bench-${count.index}"
  name        = "custom:bench:${count.index}"
  description = "Benchmark role ${count.index}"
  group       = "Benchmark"
  permissions = [
    { action = "dashboards:read", scope = "dashboards:uid:bench-${count.index}" },
    { action = "dashboards:write", scope = "dashboards:uid:bench-${count.index}" },
    { action = "folders:read", scope = count.index == var.changed ? "folders:uid:changed" : "folders:uid:bench-${count.index}" },
  ]
}

resource "grafanarbac_team_role_assignment" "t" {
  count    = %d
  team_id  = local.teams[count.index %% length(local.teams)]
  role_uid = %s
}

resource "grafanarbac_builtin_role_assignment" "b" {
  count        = %d
  builtin_role = local.builtins[count.index %% length(local.builtins)]
  role_uid     = %s
}
`, strings.Join(ids, ", "), e.N, e.N, e.roleRef("grafanarbac_custom_role.r", "uid", "bench-${count.index}"),
		e.builtinAssignments(), e.roleRef("grafanarbac_custom_role.r", "uid", "bench-${count.index}"))
	return b.String()
}

// floorConfig declares as many terraform_data resources (Terraform's own,
// built in, no provider process) as providerConfig declares resources.
func floorConfig(e estate) string {
	return fmt.Sprintf(`variable "changed" {
  type    = number
  default = -1
}

resource "terraform_data" "d" {
  count = %d
  input = {
    name        = "custom:bench:${count.index}"
    description = "Benchmark role ${count.index}"
    scope       = count.index == var.changed ? "folders:uid:changed" : "folders:uid:bench-${count.index}"
  }
}
`, e.resources())
}

// pluginFloorConfig is the estate's data on the minimal framework provider
// (./pluginfloor): the same strings, sets of permissions and references, in
// resources that store them and talk to nothing. What any framework
// provider pays for this data, without grafanarbac's own work.
func pluginFloorConfig(e estate) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    pluginfloor = {
      source = "grafanarbac/pluginfloor"
    }
  }
}

variable "changed" {
  type    = number
  default = -1
}

locals {
  teams    = [for i in range(%d) : "team-${i}"]
  builtins = ["Viewer", "Editor", "Admin"]
}

resource "pluginfloor_item" "r" {
  count       = %d
  name        = "custom:bench:${count.index}"
  description = "Benchmark role ${count.index}"
  scope       = "Benchmark"
  permissions = [
    { action = "dashboards:read", scope = "dashboards:uid:bench-${count.index}" },
    { action = "dashboards:write", scope = "dashboards:uid:bench-${count.index}" },
    { action = "folders:read", scope = count.index == var.changed ? "folders:uid:changed" : "folders:uid:bench-${count.index}" },
  ]
}

resource "pluginfloor_item" "t" {
  count = %d
  name  = %s
  scope = local.teams[count.index %% length(local.teams)]
}

resource "pluginfloor_item" "b" {
  count = %d
  name  = %s
  scope = local.builtins[count.index %% length(local.builtins)]
}
`, max(1, len(e.TeamIDs)), e.N, e.N, e.roleRef("pluginfloor_item.r", "id", "r-${count.index}"), e.builtinAssignments(), e.roleRef("pluginfloor_item.r", "id", "r-${count.index}"))
}

// cliConfig points Terraform at the freshly built providers; with
// dev_overrides no `terraform init` is needed (nor possible offline).
func cliConfig(binDir string) string {
	return fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/grafanarbac/grafanarbac" = %q
    "registry.terraform.io/grafanarbac/pluginfloor" = %q
  }
  direct {}
}
`, binDir, binDir)
}
