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
