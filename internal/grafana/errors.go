package grafana

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// APIError is a non-2xx answer from Grafana. Message is the server's text,
// for people: callers decide with the Is* helpers, which key on the status
// and on the request, because Grafana's wording changes between versions.
type APIError struct {
	StatusCode int
	Message    string
	Method     string
	Path       string // without the query string

	// versionGated is set for an UpdateRole that carried a version and did
	// not target a fixed role: the only reason left for a 400 is the version.
	versionGated bool
	// retryAfter is a 429's Retry-After, for callers that retry themselves.
	retryAfter    time.Duration
	hasRetryAfter bool
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("%s %s: %d %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// ConnectionError is a request that got no HTTP answer at all.
type ConnectionError struct {
	URL string // base URL, without credentials
	Err error
	// Timeout is set when the request was abandoned after the client's
	// per-request timeout, or the network timed out.
	Timeout bool
}

func (e *ConnectionError) Error() string {
	return fmt.Sprintf("cannot reach Grafana at %s: %v", e.URL, e.Err)
}

func (e *ConnectionError) Unwrap() error { return e.Err }

// NotGrafanaError is a URL where Grafana's access-control API is not
// found: not Grafana's root (a sub-path missing or wrong, another
// server), or, with NoAccessControl, a Grafana without access control
// (open source; it needs Enterprise or Cloud).
type NotGrafanaError struct {
	URL             string // base URL
	Detail          string // what was asked, at which full URLs, and what came back
	NoAccessControl bool   // /api/health answered as Grafana does
}

func (e *NotGrafanaError) Error() string {
	if e.NoAccessControl {
		return fmt.Sprintf("Grafana at %s has no access-control API: %s", e.URL, e.Detail)
	}
	return fmt.Sprintf("%s is not Grafana's root URL: %s", e.URL, e.Detail)
}

// IsNotGrafana reports a URL where Grafana's access-control API is not found.
func IsNotGrafana(err error) bool {
	var ng *NotGrafanaError
	return errors.As(err, &ng)
}

func statusOf(err error) int {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.StatusCode
	}
	return 0
}

func IsNotFound(err error) bool     { return statusOf(err) == http.StatusNotFound }
func IsConflict(err error) bool     { return statusOf(err) == http.StatusConflict }
func IsForbidden(err error) bool    { return statusOf(err) == http.StatusForbidden }
func IsUnauthorized(err error) bool { return statusOf(err) == http.StatusUnauthorized }
func IsBadRequest(err error) bool   { return statusOf(err) == http.StatusBadRequest }

// IsVersionOutdated reports a 400 to an UpdateRole that sent a version for a
// role that is not fixed: the server refused the version as not greater than
// the stored one.
func IsVersionOutdated(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.StatusCode == http.StatusBadRequest && ae.versionGated
}

// IsConnectionError reports that Grafana could not be reached.
func IsConnectionError(err error) bool {
	var ce *ConnectionError
	return errors.As(err, &ce)
}

// IsTimeout reports that Grafana did not answer within the timeout.
func IsTimeout(err error) bool {
	var ce *ConnectionError
	return errors.As(err, &ce) && ce.Timeout
}

// MayHaveTakenEffect reports a failure after which the server may have
// carried out the request: a 5xx (Grafana or a proxy may fail after the
// change was committed) or no answer at all. 501 is a refusal, and a 429 is
// sent instead of doing the work.
func MayHaveTakenEffect(err error) bool {
	if IsConnectionError(err) {
		return true
	}
	st := statusOf(err)
	return st >= 500 && st != http.StatusNotImplemented
}

const maxMessageLen = 300

// errorMessage extracts Grafana's {"message": …}; anything else (an HTML page
// from a proxy, plain text) becomes a short single-line text. Secrets are
// scrubbed before the text is cut, so no cut leaves part of one behind.
func errorMessage(body []byte, redact func(string) string) string {
	return truncate(redact(messageText(body)))
}

// messageText is the whole text errorMessage shows, before scrubbing and cutting.
func messageText(body []byte) string {
	var m struct {
		Message string `json:"message"`
		Error   string `json:"error"`
	}
	if json.Unmarshal(body, &m) == nil {
		switch {
		case m.Message != "":
			return m.Message
		case m.Error != "":
			return m.Error
		}
	}
	text := string(body)
	if strings.Contains(text, "<") {
		text = stripTags(text)
	}
	return strings.Join(strings.Fields(text), " ")
}

// notJSON describes a successful answer that is not JSON. The usual cause
// is an HTML page from something in front of Grafana, answering with 200.
func notJSON(body []byte) string {
	if bytes.HasPrefix(bytes.TrimSpace(body), []byte("<")) {
		return "the answer is not JSON but an HTML page; is a proxy or a login page in front of Grafana at this URL?"
	}
	return "the answer is not JSON"
}

// htmlNoise is what a page holds that is no text: style sheets, scripts
// and comments (a proxy's error page can be mostly CSS).
var htmlNoise = regexp.MustCompile(`(?is)<(?:script|style)\b.*?</(?:script|style)\s*>|<!--.*?-->`)

func stripTags(s string) string {
	s = htmlNoise.ReplaceAllString(s, " ")
	var b strings.Builder
	inTag := false
	for _, r := range s {
		switch {
		case r == '<':
			inTag = true
		case r == '>':
			inTag = false
			b.WriteByte(' ')
		case !inTag:
			b.WriteRune(r)
		}
	}
	return html.UnescapeString(b.String()) // &nbsp; and the like
}

func truncate(s string) string {
	s = strings.TrimSpace(s)
	if len(s) <= maxMessageLen {
		return s
	}
	cut := maxMessageLen
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
