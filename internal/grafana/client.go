package grafana

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-cleanhttp"
)

const (
	defaultRetryWait    = 500 * time.Millisecond
	defaultRetryWaitMax = 10 * time.Second
	defaultTimeout      = 30 * time.Second
	defaultUserAgent    = "terraform-provider-grafanarbac"

	// Bounds on what is read from an answer; error bodies only feed a message.
	maxBodySize      = 64 << 20
	maxErrorBodySize = 64 << 10
)

// Client talks to one Grafana. Safe for concurrent use.
// WithOrg returns a client that sends X-Grafana-Org-Id for the given org and
// shares the transport and caches of its parent.
type Client struct {
	impl *clientImpl
	org  int64
}

// clientImpl is what every org view of a client shares.
type clientImpl struct {
	base          string // scheme://host[/subpath], no trailing slash, no credentials
	prefix        string // the /subpath of base, shown in errors: the path Grafana was asked for
	http          *http.Client
	authorization string // whole Authorization header value; secret
	headers       http.Header
	userAgent     string
	secrets       []string // strings scrubbed from messages and log fields

	retries         int
	retryWait       time.Duration
	retryWaitMax    time.Duration
	retryMaxElapsed time.Duration
	timeout         time.Duration
	logf            func(ctx context.Context, msg string, fields map[string]any)

	forcedGen Generation
	gen       atomic.Int32 // probed generation, 0 until a probe succeeds
	genMu     sync.Mutex   // one probe at a time; a failed probe is retried by the next caller
}

// New checks cfg and builds a client. It makes no request.
func New(cfg Config) (*Client, error) {
	if cfg.URL == "" {
		return nil, errors.New("grafana: URL is empty")
	}
	u, err := url.Parse(cfg.URL)
	if err != nil {
		// url.Error would repeat the whole URL, credentials included.
		return nil, errors.New("grafana: URL cannot be parsed")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("grafana: URL scheme must be http or https, not %q", u.Scheme)
	}
	if u.Host == "" {
		return nil, errors.New("grafana: URL has no host")
	}
	if u.User != nil {
		return nil, errors.New("grafana: URL must not carry credentials; use auth")
	}
	if cfg.OrgID < 0 {
		return nil, fmt.Errorf("grafana: org id must not be negative, got %d", cfg.OrgID)
	}
	if cfg.Retries < 0 {
		return nil, fmt.Errorf("grafana: retries must not be negative, got %d", cfg.Retries)
	}
	if cfg.Generation != GenerationUnknown && cfg.Generation != Generation1 && cfg.Generation != Generation2 {
		return nil, fmt.Errorf("grafana: unknown API generation %d", cfg.Generation)
	}

	im := &clientImpl{
		base:         u.Scheme + "://" + u.Host + strings.TrimRight(u.EscapedPath(), "/"),
		prefix:       strings.TrimRight(u.EscapedPath(), "/"),
		headers:      http.Header{},
		userAgent:    cfg.UserAgent,
		retries:      cfg.Retries,
		retryWait:    cfg.RetryWait,
		retryWaitMax: cfg.RetryWaitMax,
		timeout:      cfg.Timeout,
		logf:         cfg.Logf,
		forcedGen:    cfg.Generation,
	}
	if im.userAgent == "" {
		im.userAgent = defaultUserAgent
	}
	if im.retryWait <= 0 {
		im.retryWait = defaultRetryWait
	}
	if im.retryWaitMax <= 0 {
		im.retryWaitMax = defaultRetryWaitMax
	}
	if im.retryWaitMax < im.retryWait {
		im.retryWaitMax = im.retryWait
	}
	if im.timeout <= 0 {
		im.timeout = defaultTimeout
	}
	im.retryMaxElapsed = cfg.RetryMaxElapsed
	if im.retryMaxElapsed <= 0 {
		im.retryMaxElapsed = max(DefaultRetryMaxElapsed, 2*im.timeout)
	}

	if cfg.Auth != "" {
		if _, pass, ok := strings.Cut(cfg.Auth, ":"); ok {
			enc := base64.StdEncoding.EncodeToString([]byte(cfg.Auth))
			im.authorization = "Basic " + enc
			// The login is no secret; the password and the encoded pair are.
			im.addSecret(pass)
			im.addSecret(enc)
		} else {
			im.authorization = "Bearer " + cfg.Auth
			im.addSecret(cfg.Auth)
		}
	}
	for k, v := range cfg.Headers {
		im.headers.Set(k, v)
		im.addSecret(v)
	}

	if cfg.HTTPClient != nil {
		im.http = cfg.HTTPClient
	} else {
		// Pooled: one provider run makes many calls to the same host.
		t := cleanhttp.DefaultPooledTransport()
		if cfg.TLSConfig != nil {
			t.TLSClientConfig = cfg.TLSConfig.Clone()
		}
		// Each attempt is bounded by its own context (Timeout); no client-wide
		// Timeout, so a retry sequence is governed by the caller's context.
		im.http = &http.Client{Transport: t}
	}

	org := cfg.OrgID
	if org == 0 {
		org = 1
	}
	return &Client{impl: im, org: org}, nil
}

// addSecret remembers a value to scrub. Very short values are skipped: they
// would mangle ordinary text and are no real secret.
func (im *clientImpl) addSecret(s string) {
	if len(s) >= 4 {
		im.secrets = append(im.secrets, s)
	}
}

func (im *clientImpl) redact(s string) string {
	for _, sec := range im.secrets {
		s = strings.ReplaceAll(s, sec, "[redacted]")
	}
	return s
}

// WithOrg returns a client for another organisation; it shares the
// connection pool and the generation cache.
func (c *Client) WithOrg(orgID int64) *Client {
	if orgID <= 0 {
		orgID = 1
	}
	return &Client{impl: c.impl, org: orgID}
}

// OrgID is the organisation sent in X-Grafana-Org-Id.
func (c *Client) OrgID() int64 { return c.org }

// UsesToken reports credentials sent as a bearer token (a service account's,
// or an API key), not user:password.
func (c *Client) UsesToken() bool { return strings.HasPrefix(c.impl.authorization, "Bearer ") }

// URL is the base URL (without credentials).
func (c *Client) URL() string { return c.impl.base }

// Generation returns the API generation: forced by Config, or probed once
// and cached. A failed probe is not cached, so a later call tries again.
func (c *Client) Generation(ctx context.Context) (Generation, error) {
	im := c.impl
	if im.forcedGen != GenerationUnknown {
		return im.forcedGen, nil
	}
	if g := Generation(im.gen.Load()); g != GenerationUnknown {
		return g, nil
	}
	im.genMu.Lock()
	defer im.genMu.Unlock()
	if g := Generation(im.gen.Load()); g != GenerationUnknown {
		return g, nil
	}
	g, err := c.ProbeGeneration(ctx)
	if err != nil {
		return GenerationUnknown, err
	}
	im.gen.Store(int32(g))
	return g, nil
}

// ProbeGeneration asks Grafana which API generation it serves, whatever
// Config forces, and caches nothing. It concludes only from Grafana's own
// answers: the built-in role assignments route exists only on generation
// 1; where it is missing, generation 2 is told by the access-control
// status route. A URL where neither exists is not Grafana's root (a
// *NotGrafanaError), or a Grafana without access control.
func (c *Client) ProbeGeneration(ctx context.Context) (Generation, error) {
	var builtin map[string]json.RawMessage
	err := c.do(ctx, &request{method: http.MethodGet, path: acPath + "/builtin-roles", out: &builtin, idempotent: true})
	switch {
	case err == nil, IsForbidden(err):
		// Only generation 1 has the route, so only it checks permissions on it.
		return Generation1, nil
	case !IsNotFound(err):
		return GenerationUnknown, fmt.Errorf("detecting the access-control API generation: %w", err)
	}
	var status struct {
		Enabled *bool `json:"enabled"`
	}
	serr := c.do(ctx, &request{method: http.MethodGet, path: acPath + "/status", out: &status, idempotent: true})
	switch {
	case serr == nil && status.Enabled != nil, IsForbidden(serr):
		return Generation2, nil
	case serr != nil && !IsNotFound(serr):
		return GenerationUnknown, fmt.Errorf("detecting the access-control API generation: %w", serr)
	}
	// Neither route answers as Grafana's would: is this Grafana at all?
	b := c.impl.base
	detail := fmt.Sprintf("GET %s%s/builtin-roles answered 404, and GET %s%s/status ", b, acPath, b, acPath)
	if serr == nil {
		detail += "answered without an access-control status"
	} else {
		detail += "answered 404"
	}
	h, herr := c.Health(ctx)
	switch {
	case herr != nil:
		detail += fmt.Sprintf("; GET %s/api/health failed: %v", b, herr)
	case h.Database == "" && h.Version == "":
		detail += fmt.Sprintf("; GET %s/api/health answered, but not as Grafana does", b)
	case serr != nil:
		return GenerationUnknown, &NotGrafanaError{URL: b, NoAccessControl: true, Detail: detail}
	}
	return GenerationUnknown, &NotGrafanaError{URL: b, Detail: detail}
}

// request is one API call.
type request struct {
	method string
	path   string // already escaped, starting with /api/
	query  url.Values
	body   any
	out    any // decoded from a 2xx answer when not nil

	// idempotent calls may be repeated without changing the outcome.
	idempotent bool
	// versionGated marks an UpdateRole whose 400 means "version outdated".
	versionGated bool

	// ambiguous is set by do when an attempt failed in a way that may have
	// carried the request out (see MayHaveTakenEffect): the caller may then
	// need to check what the server holds before trusting a later error.
	ambiguous bool
}

// do runs a request with retries and turns the answer into a typed result.
func (c *Client) do(ctx context.Context, r *request) error {
	im := c.impl
	var payload []byte
	if r.body != nil {
		var err error
		if payload, err = json.Marshal(r.body); err != nil {
			return fmt.Errorf("%s %s: encoding the request: %w", r.method, r.path, err)
		}
	}
	target := im.base + r.path
	if len(r.query) > 0 {
		target += "?" + r.query.Encode()
	}
	maxAttempts := 1
	if r.idempotent {
		maxAttempts += im.retries
	}

	start := time.Now()
	for attempt := 1; ; attempt++ {
		res := c.attempt(ctx, r, target, payload, attempt)
		if res.err == nil {
			if r.out == nil {
				return nil
			}
			if len(bytes.TrimSpace(res.body)) == 0 {
				// A zero value would pass for a real object (a role with no uid).
				return fmt.Errorf("%s %s: the answer is empty", r.method, r.path)
			}
			if err := json.Unmarshal(res.body, r.out); err != nil {
				// Unmarshal checks the syntax before it decodes anything, so
				// a syntax error means the answer is not JSON at all.
				var syntax *json.SyntaxError
				if errors.As(err, &syntax) {
					return fmt.Errorf("%s %s: %s", r.method, r.path, notJSON(res.body))
				}
				return fmt.Errorf("%s %s: decoding the answer: %w", r.method, r.path, err)
			}
			return nil
		}
		if MayHaveTakenEffect(res.err) {
			r.ambiguous = true
		}
		if !res.retryable || attempt >= maxAttempts {
			return res.err
		}
		wait := im.backoff(attempt, res.retryAfter, res.hasRetryAfter)
		if !im.withinRetryTime(start, wait) {
			return res.err
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return fmt.Errorf("%s %s: %w (while waiting to retry after: %w)", r.method, r.path, ctx.Err(), res.err)
		case <-timer.C:
		}
	}
}

type attemptResult struct {
	body          []byte
	err           error
	retryable     bool
	retryAfter    time.Duration
	hasRetryAfter bool
}

func (c *Client) attempt(ctx context.Context, r *request, target string, payload []byte, attempt int) (res attemptResult) {
	im := c.impl
	start := time.Now()
	status := 0
	defer func() {
		if im.logf == nil {
			return
		}
		fields := map[string]any{
			"method":      r.method,
			"path":        r.path,
			"status":      status,
			"attempt":     attempt,
			"duration_ms": time.Since(start).Milliseconds(),
			"org_id":      c.org,
		}
		if res.err != nil {
			fields["error"] = im.redact(res.err.Error())
		}
		im.logf(ctx, "grafana API call", fields)
	}()

	actx, cancel := context.WithTimeout(ctx, im.timeout)
	defer cancel()
	var body io.Reader
	if payload != nil {
		// A fresh reader per attempt: a retried body must be sent whole again.
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(actx, r.method, target, body)
	if err != nil {
		return attemptResult{err: fmt.Errorf("%s %s: building the request: %w", r.method, r.path, err)}
	}
	req.Header = im.headers.Clone()
	if im.authorization != "" {
		req.Header.Set("Authorization", im.authorization)
	}
	req.Header.Set("X-Grafana-Org-Id", strconv.FormatInt(c.org, 10))
	req.Header.Set("User-Agent", im.userAgent)
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}

	resp, err := im.http.Do(req)
	if err != nil {
		return c.transportFailure(ctx, actx, r, err)
	}
	defer resp.Body.Close()
	status = resp.StatusCode

	limit := int64(maxBodySize)
	if status >= 300 {
		limit = maxErrorBodySize
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit))
	if err != nil {
		return c.transportFailure(ctx, actx, r, err)
	}
	if status >= 200 && status < 300 {
		return attemptResult{body: data}
	}

	res = attemptResult{
		err: &APIError{
			StatusCode:   status,
			Message:      errorMessage(data, im.redact),
			Method:       r.method,
			Path:         im.prefix + r.path,
			versionGated: r.versionGated,
		},
	}
	switch {
	case status == http.StatusTooManyRequests:
		res.retryable = true
		res.retryAfter, res.hasRetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
		if ae, ok := res.err.(*APIError); ok {
			ae.retryAfter, ae.hasRetryAfter = res.retryAfter, res.hasRetryAfter
		}
	case status >= 500 && status != http.StatusNotImplemented:
		res.retryable = true
	}
	return res
}

// transportFailure classifies an error that came without an HTTP status.
func (c *Client) transportFailure(ctx, actx context.Context, r *request, err error) attemptResult {
	if ctx.Err() != nil {
		// The caller gave up: say so, not "cannot reach".
		return attemptResult{err: fmt.Errorf("%s %s: %w", r.method, r.path, ctx.Err())}
	}
	cause := err
	var ue *url.Error
	if errors.As(err, &ue) {
		// url.Error repeats the whole request URL; the base URL is enough.
		cause = ue.Err
	}
	timeout := false
	var ne net.Error
	if actx.Err() != nil {
		cause = fmt.Errorf("no answer within %s: %w", c.impl.timeout, cause)
		timeout = true
	} else if errors.As(err, &ne) && ne.Timeout() {
		timeout = true
	}
	return attemptResult{
		err:       &ConnectionError{URL: c.impl.base, Err: cause, Timeout: timeout},
		retryable: true,
	}
}

// withinRetryTime reports whether a retry after wait still starts within
// the time bound of a call that began at start.
func (im *clientImpl) withinRetryTime(start time.Time, wait time.Duration) bool {
	return time.Since(start)+wait <= im.retryMaxElapsed
}

// backoff is exponential with jitter (half fixed, half random) so that many
// clients do not retry in step; a server's Retry-After wins, capped.
func (im *clientImpl) backoff(attempt int, retryAfter time.Duration, hasRetryAfter bool) time.Duration {
	if hasRetryAfter {
		return min(retryAfter, im.retryWaitMax)
	}
	d := im.retryWait
	for i := 1; i < attempt && d < im.retryWaitMax; i++ {
		d *= 2
	}
	d = min(d, im.retryWaitMax)
	half := d / 2
	return half + rand.N(d-half+1)
}

// parseRetryAfter reads delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		// Anything beyond a day is capped later anyway; avoid overflow here.
		return time.Duration(min(secs, 86400)) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
