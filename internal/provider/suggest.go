package provider

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// Suggestions for a name that matches nothing: the look-up data sources name
// the closest existing names, compared case-insensitively.

// maxSuggestions caps how many names a diagnostic lists.
const maxSuggestions = 3

// closestNames returns up to maxSuggestions of candidates nearest to name:
// same letters and digits in another case or spacing first ("grafanaadmin"
// for "Grafana Admin"), then those containing name or contained in it, then
// those a few edits away. Far names are left out.
func closestNames(name string, candidates []string) []string {
	want := strings.ToLower(strings.TrimSpace(name))
	bare := lettersAndDigits(want)
	type scored struct {
		name  string
		score int
	}
	var near []scored
	seen := map[string]bool{}
	for _, c := range candidates {
		if c == "" || seen[c] {
			continue
		}
		seen[c] = true
		low := strings.ToLower(c)
		d := editDistance(want, low)
		switch {
		case low == want || (bare != "" && lettersAndDigits(low) == bare):
			d = 0
		case want != "" && (strings.Contains(low, want) || strings.Contains(want, low)):
			d = 1
		case d > max(2, len(want)/3):
			continue
		default:
			d++
		}
		near = append(near, scored{c, d})
	}
	slices.SortStableFunc(near, func(a, b scored) int {
		if a.score != b.score {
			return a.score - b.score
		}
		return strings.Compare(a.name, b.name)
	})
	out := make([]string, 0, maxSuggestions)
	for i := 0; i < len(near) && i < maxSuggestions; i++ {
		out = append(out, near[i].name)
	}
	return out
}

// suggestionSentence is " Did you mean "a"?", followed by " Also similar:
// "b", "c"." when more are near, in the wording of the built-in role and team
// look-ups; "" when nothing is near.
func suggestionSentence(name string, candidates []string) string {
	near := closestNames(name, candidates)
	if len(near) == 0 {
		return ""
	}
	msg := fmt.Sprintf(" Did you mean %q?", near[0])
	if len(near) > 1 {
		msg += " Also similar: " + strings.Join(quoteAll(near[1:]), ", ") + "."
	}
	return msg
}

// lettersAndDigits drops every other rune of s.
func lettersAndDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return -1
	}, s)
}

// editDistance is the Levenshtein distance in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// notFoundDetail is the detail of a look-up that matched nothing.
func notFoundDetail(what string, orgID int64, name string, candidates []string) string {
	return fmt.Sprintf("In organization %d, no %s matches %q.%s", orgID, what, name, suggestionSentence(name, candidates))
}
