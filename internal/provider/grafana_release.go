package provider

import (
	"context"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// grafanaRelease is the Grafana version /api/health reports, for the rules
// that changed within an API generation.
type grafanaRelease struct{ major, minor int }

// numbersVersions: Grafana 13 and later store 1 on create and old+1 on
// update, whatever version is sent.
func (r grafanaRelease) numbersVersions() bool { return r.major >= 13 }

// checksRemovedPermissions: before 13.3 a role update needs the caller to
// hold the permissions it removes, not only those it keeps or adds.
func (r grafanaRelease) checksRemovedPermissions() bool {
	return r.major < 13 || (r.major == 13 && r.minor < 3)
}

// releaseOf reads the release once per run.
func releaseOf(ctx context.Context, reads *readCache, client *grafana.Client) (grafanaRelease, error) {
	h, err := reads.health(ctx, client)
	if err != nil {
		return grafanaRelease{}, err
	}
	return parseGrafanaRelease(h.Version)
}

// parseGrafanaRelease is grafana.ParseVersion as a grafanaRelease.
func parseGrafanaRelease(version string) (grafanaRelease, error) {
	major, minor, err := grafana.ParseVersion(version)
	return grafanaRelease{major: major, minor: minor}, err
}
