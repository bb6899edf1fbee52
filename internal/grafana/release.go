package grafana

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseVersion reads the major and minor of a version /api/health reports,
// such as "13.3.0", "13.1.0-pre" and "v11.0.0+security-01"; a missing minor
// is 0.
func ParseVersion(version string) (major, minor int, err error) {
	parts := strings.SplitN(strings.TrimPrefix(strings.TrimSpace(version), "v"), ".", 3)
	major, err = strconv.Atoi(parts[0])
	if err != nil || major < 0 {
		return 0, 0, fmt.Errorf("unexpected Grafana version %q", version)
	}
	if len(parts) > 1 {
		digits := parts[1][:len(parts[1])-len(strings.TrimLeft(parts[1], "0123456789"))]
		minor, _ = strconv.Atoi(digits)
	}
	return major, minor, nil
}
