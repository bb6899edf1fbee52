package provider

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// Import IDs are colon-separated parts. A resource lists the formats it
// accepts (for example `<uid>` and `<org_id>:<uid>`); the number of parts
// picks the format, and every part is checked for its kind.

// importIDKind is what one part of an import ID must hold.
type importIDKind int

const (
	// importIDString is any non-empty text without surrounding spaces.
	importIDString importIDKind = iota
	// importIDPositiveInt is a decimal integer greater than zero (an org, team or user id).
	importIDPositiveInt
)

// importIDField names one part of an import ID.
type importIDField struct {
	Name string
	Kind importIDKind
}

// importIDFormat is one accepted shape of an import ID.
type importIDFormat []importIDField

func (f importIDFormat) String() string {
	names := make([]string, len(f))
	for i, field := range f {
		names[i] = "<" + field.Name + ">"
	}
	return strings.Join(names, ":")
}

// importID holds the parts of a parsed import ID by field name.
type importID struct {
	strings map[string]string
	ints    map[string]int64
}

// Text returns a string part; ok is false when the matched format has no such field.
func (id importID) Text(name string) (string, bool) {
	v, ok := id.strings[name]
	return v, ok
}

// Int64 returns an integer part; ok is false when the matched format has no such field.
func (id importID) Int64(name string) (int64, bool) {
	v, ok := id.ints[name]
	return v, ok
}

// parseImportID parses raw against the formats, which must differ in their
// number of parts. The error names every accepted format.
func parseImportID(raw string, formats ...importIDFormat) (importID, error) {
	parts := strings.Split(raw, ":")
	for _, format := range formats {
		if len(format) != len(parts) {
			continue
		}
		id := importID{strings: map[string]string{}, ints: map[string]int64{}}
		for i, field := range format {
			part := parts[i]
			if part == "" || strings.TrimSpace(part) != part {
				return importID{}, importIDError(raw, fmt.Sprintf("%s must not be empty or padded with spaces", field.Name), formats)
			}
			switch field.Kind {
			case importIDPositiveInt:
				n, err := strconv.ParseInt(part, 10, 64)
				if err != nil || n <= 0 {
					return importID{}, importIDError(raw, fmt.Sprintf("%s must be a positive integer, got %q", field.Name, part), formats)
				}
				id.ints[field.Name] = n
			default:
				id.strings[field.Name] = part
			}
		}
		return id, nil
	}
	return importID{}, importIDError(raw, fmt.Sprintf("it has %d colon-separated parts", len(parts)), formats)
}

func importIDError(raw, problem string, formats []importIDFormat) error {
	names := make([]string, len(formats))
	for i, f := range formats {
		names[i] = "`" + f.String() + "`"
	}
	return fmt.Errorf("import ID %q is not valid: %s. Expected %s", raw, problem, strings.Join(names, " or "))
}

// parseDefaultAssignmentImportID splits `<builtin_role>:<fixed_role>`; the
// fixed role's name holds colons itself, so the first colon divides.
func parseDefaultAssignmentImportID(raw string) (builtin, fixedName string, err error) {
	builtin, fixedName, ok := strings.Cut(raw, ":")
	var problem string
	switch {
	case !ok:
		problem = "it has no colon."
	case builtinRoleNameMismatch(builtin, grafana.Generation2) != "":
		problem = builtinRoleNameMismatch(builtin, grafana.Generation2)
	case !fixedRoleNamePattern.MatchString(fixedName):
		problem = fmt.Sprintf("%q is not a fixed role name (they start with \"fixed:\").", fixedName)
	}
	if problem != "" {
		return "", "", fmt.Errorf("import ID %q is not valid: %s Expected `<builtin_role>:<fixed_role>`, for example `Viewer:fixed:annotations:reader`", raw, problem)
	}
	return builtin, fixedName, nil
}

// addImportIDError reports an import ID that parseImportID refused.
func addImportIDError(diags *diag.Diagnostics, err error) {
	diags.AddError("Invalid import ID", err.Error())
}
