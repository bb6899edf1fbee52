package provider

import "fmt"

// The version of a custom role is planned by planVersion, a pure function of
// what the plan knows, so its rules can be tested as a table.
//
// Grafana up to 12 stores the version it is sent, and refuses an update whose
// version is not greater than the stored one. Grafana 13 stores 1 on create
// and old+1 on every update, whatever is sent. The plan therefore only ever
// holds a number the server will keep; on 13 a configured version that the
// server would not keep is a plan-time error (not a warning: planning a
// number the server then changes would fail the apply and diff forever).

// versionPlanInput is what planVersion decides from.
type versionPlanInput struct {
	Create         bool  // no role yet (create, or replace)
	ContentChanged bool  // name, display name, description, group, hidden or permissions change
	AutoIncrement  bool  // auto_increment_version
	Configured     bool  // version is set in the configuration
	Config         int64 // the configured version
	Prior          int64 // the version in state
	ServerKnown    bool  // the server's current version was read at plan time
	Server         int64 // the server's current version
	Grafana13      bool  // the server numbers versions itself (Grafana 13+)
}

// versionProblem is a plan-time error; Want is the version to set.
type versionProblem struct {
	Summary string
	Detail  string
	Want    int64
}

// planVersion returns the version to plan, or the problem that stops the plan.
func planVersion(in versionPlanInput) (int64, *versionProblem) {
	if in.Create {
		if in.Grafana13 && in.Configured && in.Config != 1 {
			return 0, &versionProblem{
				Summary: "Version not kept by Grafana 13",
				Detail: fmt.Sprintf("Grafana 13 stores version 1 for a new role, whatever is sent, so version = %d would never match. "+
					"Remove version from the configuration (recommended on Grafana 13) or set version = 1.", in.Config),
				Want: 1,
			}
		}
		if in.Configured && !in.Grafana13 {
			return in.Config, nil
		}
		return 1, nil
	}

	current := in.Prior
	if in.ServerKnown && in.Server > current {
		current = in.Server
	}
	next := current + 1

	if !in.Configured {
		switch {
		case !in.ContentChanged:
			return in.Prior, nil
		case in.AutoIncrement:
			return next, nil
		default:
			return 0, &versionProblem{
				Summary: "Version must be increased",
				Detail: fmt.Sprintf("The role's content changes and auto_increment_version is false, so you own the version: "+
					"set version = %d (or set auto_increment_version = true).", next),
				Want: next,
			}
		}
	}

	// The version is configured: the same rules hold in both modes, since a
	// configured value is what the plan must show.
	v := in.Config
	if v == in.Prior && !in.ContentChanged {
		return v, nil
	}
	if v < in.Prior {
		want := in.Prior
		if in.ContentChanged {
			want = next
		}
		return 0, &versionProblem{
			Summary: "Version cannot decrease",
			Detail:  fmt.Sprintf("The role is at version %d; version = %d would go back. Set version = %d.", in.Prior, v, want),
			Want:    want,
		}
	}
	if v <= in.Prior {
		detail := fmt.Sprintf("The role's content changes, so its version must be greater than %d: set version = %d.", in.Prior, next)
		if in.AutoIncrement {
			detail += " Or remove version from the configuration to let the provider increment it."
		}
		return 0, &versionProblem{Summary: "Version must be increased", Detail: detail, Want: next}
	}
	if v <= current {
		return 0, &versionProblem{
			Summary: "Version not greater than the server's",
			Detail: fmt.Sprintf("Grafana already stores version %d of this role (it was changed outside Terraform), "+
				"and refuses an update whose version is not greater: set version = %d.", current, next),
			Want: next,
		}
	}
	if in.Grafana13 && v != next {
		return 0, &versionProblem{
			Summary: "Version not kept by Grafana 13",
			Detail: fmt.Sprintf("Grafana 13 adds 1 to the version on every update, whatever is sent, so version = %d would never match. "+
				"Set version = %d, or remove version from the configuration (recommended on Grafana 13).", v, next),
			Want: next,
		}
	}
	return v, nil
}
