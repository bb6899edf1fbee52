package provider

import (
	"context"
	"fmt"
	"strconv"
	"strings"

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

// parseGrafanaRelease reads versions such as "13.3.0", "13.1.0-pre" and
// "v11.0.0+security-01"; a missing minor is 0.
func parseGrafanaRelease(version string) (grafanaRelease, error) {
	parts := strings.SplitN(strings.TrimPrefix(strings.TrimSpace(version), "v"), ".", 3)
	major, err := strconv.Atoi(parts[0])
	if err != nil || major < 0 {
		return grafanaRelease{}, fmt.Errorf("unexpected Grafana version %q", version)
	}
	r := grafanaRelease{major: major}
	if len(parts) > 1 {
		digits := parts[1][:len(parts[1])-len(strings.TrimLeft(parts[1], "0123456789"))]
		r.minor, _ = strconv.Atoi(digits)
	}
	return r, nil
}
