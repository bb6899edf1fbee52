package provider

import (
	"context"
	"errors"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// The plan-time checks that reason about the credentials' rights (delegation,
// the server-admin need) rest on rules the contract partly assumes, so the
// user decides what their findings do: plan_checks.
const (
	envPlanChecks   = "GRAFANA_PLAN_CHECKS"
	planChecksError = "error"
	planChecksWarn  = "warn"
	planChecksOff   = "off"
	// planChecksExplain is no setting: the checks run after a 403 at apply
	// to say what was needed (explainForbidden).
	planChecksExplain = "explain"
)

var planChecksModes = []string{planChecksError, planChecksWarn, planChecksOff}

// planChecksHint ends every refusal, so that no one is stuck with a check
// their Grafana does not make.
const planChecksHint = `If your Grafana accepts this, set plan_checks = "warn" in the provider (or ` + envPlanChecks + `=warn).`

// checker reports the findings of those checks as plan_checks says.
type checker struct {
	data  *providerData
	mode  string
	diags *diag.Diagnostics
}

// checker returns the checker of this run's plan_checks.
func (p *providerData) checker(diags *diag.Diagnostics) checker {
	c := checker{data: p, diags: diags}
	if p != nil {
		c.mode = p.planChecks
	}
	return c
}

// off reports that the checks are skipped, with the requests they make.
func (c checker) off() bool { return c.mode == planChecksOff }

// refuse reports what Grafana is expected to refuse at apply.
func (c checker) refuse(attr path.Path, summary, detail string) {
	switch c.mode {
	case planChecksOff:
	case planChecksWarn:
		c.diags.AddAttributeWarning(attr, summary, detail+"\n"+`With plan_checks = "warn" the apply goes ahead and Grafana decides.`)
	case planChecksExplain:
		c.diags.AddAttributeError(attr, summary, detail)
	default:
		c.diags.AddAttributeError(attr, summary, detail+"\n"+planChecksHint)
	}
}

// notChecked warns that a check could not be made.
func (c checker) notChecked(summary, detail string) {
	if c.mode == planChecksError || c.mode == planChecksWarn || c.mode == "" {
		c.diags.AddWarning(summary, detail)
	}
}

// explainForbidden adds to a 403 of the apply what the checks find missing,
// so that an apply that plan_checks let through still says what was needed.
func (p *providerData) explainForbidden(err error, check func(checker)) error {
	if !grafana.IsForbidden(err) || p == nil {
		return err
	}
	var diags diag.Diagnostics
	check(checker{data: p, mode: planChecksExplain, diags: &diags})
	var found []string
	for _, d := range diags.Errors() {
		found = append(found, d.Summary()+": "+d.Detail())
	}
	if len(found) == 0 {
		return err
	}
	return &explainedError{err: err, needed: strings.Join(found, "\n")}
}

// explainedError is a 403 with what the checks found; the generic hints
// of a 403 are then left out.
type explainedError struct {
	err    error
	needed string
}

func (e *explainedError) Error() string { return e.err.Error() + "\nWhat was needed: " + e.needed }
func (e *explainedError) Unwrap() error { return e.err }

func isExplained(err error) bool {
	var e *explainedError
	return errors.As(err, &e)
}

// Needs of a Grafana server admin (assumed by the contract), as subjects of
// "… needs a Grafana server admin".
const (
	needGlobalRole       = "A global role"
	needGlobalAssignment = "A global assignment"
	needBasicRoleWrite   = "On Grafana 9+, a grant to a built-in role (it changes the basic role, which is global)"
	needDefaultGrant     = "A change to a default grant (it changes the basic role on Grafana 9+, a global assignment on Grafana 8)"
)

// checkServerAdmin refuses what only a Grafana server admin may do when the
// provider's credentials are not one, as GET /api/user tells.
func checkServerAdmin(ctx context.Context, c checker, attr path.Path, what string) {
	if c.off() {
		return
	}
	admin, err := c.data.callerIsServerAdmin(ctx)
	if err != nil {
		c.notChecked("Server admin not checked",
			"Could not read the provider's user from GET /api/user, so the plan does not check that it is a Grafana server admin, "+
				"which this change needs: "+err.Error())
		return
	}
	if admin {
		return
	}
	c.refuse(attr, "Needs a Grafana server admin",
		what+" needs a Grafana server admin, and the provider's credentials are not one (GET /api/user: isGrafanaAdmin is false; "+
			"a service account never is one). Use a server admin's user:password, or leave this out of what these credentials manage.")
}

// checkBuiltinGrantNeed refuses a planned built-in role grant that only a
// server admin may make: on generation 2 every one that changes the basic
// role, on generation 1 a new global one.
func checkBuiltinGrantNeed(ctx context.Context, data *providerData, plan builtinRoleAssignmentModel, state *builtinRoleAssignmentModel, diags *diag.Diagnostics) {
	if data == nil {
		return
	}
	gen, err := data.client.Generation(ctx)
	if err != nil {
		return // planGrant reported it
	}
	if state == nil || gen != grafana.Generation1 && !plan.GrantedPermissions.Equal(state.GrantedPermissions) {
		builtinGrantNeed(ctx, data.checker(diags), gen, plan.Global.ValueBool())
	}
}

func builtinGrantNeed(ctx context.Context, c checker, gen grafana.Generation, global bool) {
	switch {
	case gen != grafana.Generation1:
		checkServerAdmin(ctx, c, path.Root("builtin_role"), needBasicRoleWrite)
	case global:
		checkServerAdmin(ctx, c, path.Root("global"), needGlobalAssignment)
	}
}

// explainBuiltinGrant says, after a 403, what the grant needed.
func explainBuiltinGrant(ctx context.Context, data *providerData, err error, gen grafana.Generation, m builtinRoleAssignmentModel) error {
	return data.explainForbidden(err, func(c checker) {
		builtinGrantNeed(ctx, c, gen, m.Global.ValueBool())
		checkAssignmentRights(ctx, c, m.RoleUID.ValueString(), m.OrgID.ValueInt64(), false)
	})
}

// checkDefaultGrantNeed refuses a planned change of a default grant when the
// credentials are no server admin and the change writes: always on
// generation 1 (a global assignment), on 2 only when the basic role lacks
// (or holds) some of the affected permissions.
func checkDefaultGrantNeed(ctx context.Context, data *providerData, g defaultGrant, affected []grafana.Permission, assigned bool, diags *diag.Diagnostics) {
	writes := g.gen == grafana.Generation1
	switch {
	case writes:
	case assigned:
		writes = len(grafana.PermissionsMinus(affected, g.basic.Permissions)) > 0
	default:
		writes = len(permissionsIntersect(affected, g.basic.Permissions)) > 0
	}
	if writes {
		checkServerAdmin(ctx, data.checker(diags), path.Root("assigned"), needDefaultGrant)
	}
}
