package acctest_test

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// hclBlocks returns the fenced ```hcl and ```terraform blocks of a Markdown file.
func hclBlocks(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var blocks []string
	var cur *strings.Builder
	for line := range strings.SplitAfterSeq(string(b), "\n") {
		fence := strings.TrimSpace(line)
		switch {
		case cur == nil && (fence == "```hcl" || fence == "```terraform"):
			cur = &strings.Builder{}
		case cur != nil && fence == "```":
			blocks = append(blocks, cur.String())
			cur = nil
		case cur != nil:
			cur.WriteString(line)
		}
	}
	return blocks
}

// withoutBlocks drops the top-level blocks whose first line starts with one
// of prefixes (e.g. `terraform {`, `provider "grafanarbac"`), so that a
// test can put its own in their place.
func withoutBlocks(hcl string, prefixes ...string) string {
	var out strings.Builder
	skipping, depth := false, 0
	for line := range strings.SplitAfterSeq(hcl, "\n") {
		if !skipping && slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(line, p) }) {
			skipping, depth = true, 0
		}
		if skipping {
			depth += strings.Count(line, "{") - strings.Count(line, "}")
			skipping = depth > 0
			continue
		}
		out.WriteString(line)
	}
	return out.String()
}
