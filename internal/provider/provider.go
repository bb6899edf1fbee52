package provider

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

var (
	_ provider.Provider                   = (*grafanarbacProvider)(nil)
	_ provider.ProviderWithFunctions      = (*grafanarbacProvider)(nil)
	_ provider.ProviderWithValidateConfig = (*grafanarbacProvider)(nil)
)

// Environment variables, named as in the official Grafana provider where it has one.
const (
	envURL                = "GRAFANA_URL"
	envAuth               = "GRAFANA_AUTH"
	envOrgID              = "GRAFANA_ORG_ID"
	envCACert             = "GRAFANA_CA_CERT"
	envTLSCert            = "GRAFANA_TLS_CERT"
	envTLSKey             = "GRAFANA_TLS_KEY"
	envInsecureSkipVerify = "GRAFANA_INSECURE_SKIP_VERIFY"
	envHTTPHeaders        = "GRAFANA_HTTP_HEADERS"
	envRetries            = "GRAFANA_RETRIES"
	envRetryWait          = "GRAFANA_RETRY_WAIT"
	envTimeout            = "GRAFANA_TIMEOUT"
	envAPIGeneration      = "GRAFANA_API_GENERATION"
)

const (
	defaultRetries   = grafana.DefaultRetries
	defaultTimeout   = 30
	generationAuto   = "auto"
	generationLegacy = "8"
	generationBasic  = "9+"
)

var apiGenerations = []string{generationAuto, generationLegacy, generationBasic}

type grafanarbacProvider struct {
	version string
	// getenv reads GRAFANA_* variables. Tests give each provider its own
	// environment, so that tests of it need not share the process's.
	getenv func(string) string
}

// New returns the provider factory; version is set by the linker in main.go.
func New(version string) func() provider.Provider {
	return NewWithEnv(version, os.Getenv)
}

// NewWithEnv is New with the environment read through getenv.
func NewWithEnv(version string, getenv func(string) string) func() provider.Provider {
	return func() provider.Provider { return &grafanarbacProvider{version: version, getenv: getenv} }
}

type providerModel struct {
	URL                types.String `tfsdk:"url"`
	Auth               types.String `tfsdk:"auth"`
	OrgID              types.Int64  `tfsdk:"org_id"`
	CACert             types.String `tfsdk:"ca_cert"`
	TLSCert            types.String `tfsdk:"tls_cert"`
	TLSKey             types.String `tfsdk:"tls_key"`
	InsecureSkipVerify types.Bool   `tfsdk:"insecure_skip_verify"`
	HTTPHeaders        types.Map    `tfsdk:"http_headers"`
	Retries            types.Int64  `tfsdk:"retries"`
	RetryWait          types.Int64  `tfsdk:"retry_wait"`
	Timeout            types.Int64  `tfsdk:"timeout"`
	APIGeneration      types.String `tfsdk:"api_generation"`
	PlanChecks         types.String `tfsdk:"plan_checks"`
	Refresh            types.String `tfsdk:"refresh"`
}

func (p *grafanarbacProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "grafanarbac"
	resp.Version = p.version
}

func (p *grafanarbacProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages Grafana's role-based access control (Grafana Enterprise and Grafana Cloud): " +
			"custom roles and the grants of roles to built-in roles, teams, users and service accounts.",
		Attributes: map[string]schema.Attribute{
			"url": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Root URL of the Grafana instance, e.g. `https://grafana.example.com`, with its sub-path when Grafana is served from one " +
					"(`serve_from_sub_path` behind a proxy, e.g. `https://example.com/grafana`). May be set with `" + envURL + "`.",
			},
			"auth": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "Credentials: `user:password` for basic auth, or a service-account token. " +
					"Service-account tokens need Grafana 9 or later. May be set with `" + envAuth + "`.",
			},
			"org_id": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Organization that resources belong to unless they set their own `org_id`. " +
					"Defaults to `1`. May be set with `" + envOrgID + "`.",
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"ca_cert": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "CA certificate bundle to trust: a PEM file path or the PEM text itself. May be set with `" + envCACert + "`.",
			},
			"tls_cert": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Client certificate for mutual TLS: a PEM file path or the PEM text itself. Needs `tls_key`. May be set with `" + envTLSCert + "`.",
			},
			"tls_key": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "Private key of `tls_cert`: a PEM file path or the PEM text itself. May be set with `" + envTLSKey + "`.",
			},
			"insecure_skip_verify": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Skip verification of Grafana's TLS certificate. Only for testing. May be set with `" + envInsecureSkipVerify + "`.",
			},
			"http_headers": schema.MapAttribute{
				ElementType: types.StringType,
				Optional:    true,
				Sensitive:   true,
				MarkdownDescription: "Extra HTTP headers sent with every request, e.g. for a proxy in front of Grafana. " +
					"May be set with `" + envHTTPHeaders + "` as a JSON object.",
			},
			"retries": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("How many times a request that may be repeated safely is retried after a connection error, "+
					"a 429 or a 5xx answer. Defaults to `%d`, enough for 10%% 500s and 5%% 429s. Whatever the count, no retry starts "+
					"later than %d seconds (or twice `timeout`, when longer) after the request's first attempt. "+
					"`0` disables retries. May be set with `%s`.", defaultRetries, int(grafana.DefaultRetryMaxElapsed.Seconds()), envRetries),
				Validators: []validator.Int64{int64validator.AtLeast(0)},
			},
			"retry_wait": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Seconds to wait before the first retry; later retries wait exponentially longer (with jitter), " +
					"up to 10 seconds, and a `Retry-After` header is honoured (up to 10 seconds). Defaults to half a second. May be set with `" + envRetryWait + "`.",
				Validators: []validator.Int64{int64validator.AtLeast(0)},
			},
			"timeout": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("Seconds one HTTP request may take before it is abandoned. Defaults to `%d`. May be set with `%s`.",
					defaultTimeout, envTimeout),
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"api_generation": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Access-control API generation: `" + strings.Join(apiGenerations, "`, `") + "`. " +
					"`8` is Grafana 8.x (built-in role assignment endpoints), `9+` is Grafana 9 and later (basic roles). " +
					"Defaults to `auto`, which asks Grafana once. A forced value is checked against Grafana's answer too, and one it contradicts fails the plan. " +
					"May be set with `" + envAPIGeneration + "`.",
				Validators: []validator.String{stringvalidator.OneOf(apiGenerations...)},
			},
			"plan_checks": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "What the plan does when the credentials lack a right Grafana will ask for at apply: a permission " +
					"of a role they create, change or grant (delegation), or being a Grafana server admin (global roles and assignments; " +
					"on Grafana 9+ grants to built-in roles and default grants). Grafana documents some of these rules only in part. " +
					"`" + planChecksError + "` (the default) fails the plan; `" + planChecksWarn + "` warns and lets the apply go ahead " +
					"(a 403 then still says what was needed); `" + planChecksOff + "` skips these checks and the requests they make. " +
					"It governs too the checks of input Grafana is only assumed to refuse: a role `uid` that is not at most 40 letters, digits, " +
					"`-` and `_`, a negative `version`, white space in a permission, an action not of the form `<resource>[.<sub>]:<verb>`, a scope ending in `*` after part of a name (`dashboards:uid:abc*`), a managed role granted to a built-in role. " +
					"Input Grafana documents as refused (reserved role names, a `*` inside a scope, unknown built-in role names) always fails the plan. " +
					"May be set with `" + envPlanChecks + "`.",
				Validators: []validator.String{stringvalidator.OneOf(planChecksModes...)},
			},
			"refresh": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "How a refresh reads custom roles. `" + refreshFull + "` (the default) reads each role whole. `" + refreshChanged +
					"` reads the role list once per organization and reads a custom role whole only when its `version`, `created` or `updated` " +
					"moved since the provider last read it, for `grafanarbac_custom_role` and for the role of a `grafanarbac_builtin_role_assignment` " +
					"(which plans from the role's permissions): Grafana raises the version on every change made through its API, UI and " +
					"provisioning. It cannot see a change that leaves them alone: an edit made directly in Grafana's database, a " +
					"migration of scopes in a Grafana upgrade, or a role deleted and recreated with the same uid and version within " +
					"the same second. May be set with `" + envRefresh + "`.",
				Validators: []validator.String{stringvalidator.OneOf(refreshModes...)},
			},
		},
	}
}

// ValidateConfig checks what can be checked before Grafana is asked, so that
// `terraform validate` already names the attribute.
func (p *grafanarbacProvider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if known(m.URL) {
		if msg := checkURL(m.URL.ValueString()); msg != "" {
			resp.Diagnostics.AddAttributeError(path.Root("url"), "Invalid Grafana URL", msg)
		}
	}
	if known(m.Auth) {
		if msg := checkAuth(m.Auth.ValueString()); msg != "" {
			resp.Diagnostics.AddAttributeError(path.Root("auth"), "Invalid auth", msg)
		}
	}
	if known(m.TLSCert) != known(m.TLSKey) && !m.TLSCert.IsUnknown() && !m.TLSKey.IsUnknown() {
		resp.Diagnostics.AddAttributeError(path.Root("tls_cert"), "Incomplete client certificate",
			"Set both tls_cert and tls_key, or neither.")
	}
}

func known(v types.String) bool { return !v.IsNull() && !v.IsUnknown() }

func checkURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "The URL cannot be parsed. Set it to Grafana's root URL, e.g. https://grafana.example.com."
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Sprintf("The URL scheme must be http or https, not %q.", u.Scheme)
	}
	if u.User != nil {
		return "The URL must not carry credentials. Put them in auth (or GRAFANA_AUTH) instead."
	}
	return ""
}

// checkAuth accepts user:password or a token. A token is one word of the
// characters tokens have (a Grafana API key is standard base64, with + and
// /); anything else without a colon is likely a mistyped user:password.
func checkAuth(auth string) string {
	if auth == "" {
		return "auth is empty. Set it to user:password or a service-account token."
	}
	if user, pass, ok := strings.Cut(auth, ":"); ok {
		if user == "" || pass == "" {
			return "auth must be user:password with both parts non-empty, or a service-account token."
		}
		return ""
	}
	for _, r := range auth {
		if !tokenRune(r) {
			return "auth is neither user:password (no colon) nor a service-account token (it contains spaces or other characters tokens never have). Set it to user:password or a token."
		}
	}
	return ""
}

func tokenRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.' || r == '=' || r == '+' || r == '/'
}

// settings is the configuration after environment fallbacks and defaults.
type settings struct {
	url, auth               string
	orgID                   int64
	caCert, tlsCert, tlsKey string
	insecure                bool
	headers                 map[string]string
	retries                 int64
	retryWait, timeout      time.Duration
	generation              grafana.Generation
	generationName          string
	planChecks              string
	refresh                 string
}

func (p *grafanarbacProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	for name, unknown := range map[string]bool{
		"url": m.URL.IsUnknown(), "auth": m.Auth.IsUnknown(), "org_id": m.OrgID.IsUnknown(),
		"http_headers": m.HTTPHeaders.IsUnknown(), "ca_cert": m.CACert.IsUnknown(),
		"tls_cert": m.TLSCert.IsUnknown(), "tls_key": m.TLSKey.IsUnknown(),
	} {
		if unknown {
			resp.Diagnostics.AddAttributeError(path.Root(name), "Unknown provider configuration",
				fmt.Sprintf("%s is only known after apply. Set it from a value known at plan time, or apply its source first (-target).", name))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	s := resolveSettings(ctx, m, p.getenv, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	tlsConfig, diags := buildTLS(s)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	client, err := grafana.New(grafana.Config{
		URL:        s.url,
		Auth:       s.auth,
		OrgID:      s.orgID,
		TLSConfig:  tlsConfig,
		Headers:    s.headers,
		Retries:    int(s.retries),
		RetryWait:  s.retryWait,
		Timeout:    s.timeout,
		Generation: s.generation,
		UserAgent:  fmt.Sprintf("terraform-provider-grafanarbac/%s terraform/%s", p.version, req.TerraformVersion),
		Logf: func(ctx context.Context, msg string, fields map[string]any) {
			tflog.Debug(ctx, msg, fields)
		},
	})
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("url"), "Invalid provider configuration", err.Error())
		return
	}

	if s.generation != grafana.GenerationUnknown {
		// A forced generation is checked too: against the other one's
		// server, every call would go to routes it does not have.
		probed, err := client.ProbeGeneration(ctx)
		switch {
		case err == nil && probed != s.generation:
			resp.Diagnostics.Append(generationMismatch(s, m.APIGeneration, probed))
			return
		case grafana.IsNotGrafana(err), grafana.IsConnectionError(err), grafana.IsUnauthorized(err):
			resp.Diagnostics.Append(connectionDiagnostic(s.url, err))
			return
		}
	}
	// One request here, so that an unreachable Grafana or rejected
	// credentials are reported once, not by every resource.
	if err := checkConnection(ctx, client, s.generation); err != nil {
		resp.Diagnostics.Append(connectionDiagnostic(s.url, err))
		return
	}

	data := &providerData{client: client, orgID: client.OrgID(), planChecks: s.planChecks, refresh: s.refresh}
	resp.ResourceData = data
	resp.DataSourceData = data
}

func checkConnection(ctx context.Context, c *grafana.Client, forced grafana.Generation) error {
	if forced == grafana.GenerationUnknown {
		_, err := c.Generation(ctx)
		return err
	}
	// The probe may have been inconclusive (a 5xx); the caller's own
	// permissions are needed later anyway and prove both reachability and credentials.
	_, err := c.GetCurrentUserPermissions(ctx)
	if grafana.IsForbidden(err) {
		return nil
	}
	return err
}

// generationMismatch is a forced api_generation that the server contradicts:
// every call would go to routes it does not have.
func generationMismatch(s settings, configured types.String, probed grafana.Generation) diag.Diagnostic {
	served, evidence := generationBasic, "/api/access-control/builtin-roles answered 404, as it does from Grafana 9 on"
	if probed == grafana.Generation1 {
		served, evidence = generationLegacy, "/api/access-control/builtin-roles answered, as it does only on Grafana 8"
	}
	return diag.NewAttributeErrorDiagnostic(path.Root("api_generation"), "api_generation does not match Grafana",
		fmt.Sprintf("api_generation is %q, but Grafana at %s serves the API of %q: %s. Set api_generation = %q, or %q to let the provider ask.%s",
			s.generationName, s.url, served, evidence, served, generationAuto, fromEnv(configured, envAPIGeneration)))
}

func connectionDiagnostic(u string, err error) diag.Diagnostic {
	switch {
	case grafana.IsNotGrafana(err):
		var ng *grafana.NotGrafanaError
		errors.As(err, &ng)
		if ng.NoAccessControl {
			return diag.NewAttributeErrorDiagnostic(path.Root("url"), "Grafana without access control",
				fmt.Sprintf("%s. Role-based access control needs Grafana Enterprise or Grafana Cloud; "+
					"point url (or %s) at one.", err, envURL))
		}
		return diag.NewAttributeErrorDiagnostic(path.Root("url"), "Not Grafana's root URL",
			fmt.Sprintf("%s. Set url (or %s) to the URL Grafana's own pages are served at: with its sub-path, "+
				"if Grafana is served from one (serve_from_sub_path behind a proxy, e.g. https://example.com/grafana), without one otherwise.", err, envURL))
	case grafana.IsUnauthorized(err):
		return diag.NewAttributeErrorDiagnostic(path.Root("auth"), "Grafana rejected the credentials",
			fmt.Sprintf("Grafana at %s answered 401 Unauthorized. Check auth (or %s): user:password of an existing user, "+
				"or a service-account token that has not expired. The server said: %s", u, envAuth, err))
	case grafana.IsTimeout(err):
		return diag.NewAttributeErrorDiagnostic(path.Root("timeout"), "Grafana did not answer in time",
			fmt.Sprintf("No answer from Grafana at %s: %s. %s", u, connectionCause(err), timeoutHint))
	case grafana.IsConnectionError(err):
		attr, hint := connectionHint(u, err)
		return diag.NewAttributeErrorDiagnostic(attr, "Cannot reach Grafana",
			fmt.Sprintf("No answer from Grafana at %s: %s. %s", u, connectionCause(err), hint))
	default:
		return diag.NewAttributeErrorDiagnostic(path.Root("url"), "Cannot use Grafana",
			fmt.Sprintf("Grafana at %s could not be asked for its access-control API: %s", u, err))
	}
}

// timeoutHint names what to check when Grafana is too slow to answer.
const timeoutHint = "Check that Grafana (and any proxy in front of it) is up and not overloaded, or raise timeout (or " + envTimeout + ")."

// connectionCause is what went wrong below HTTP, without the URL that the
// client's error repeats.
func connectionCause(err error) error {
	var ce *grafana.ConnectionError
	if errors.As(err, &ce) && ce.Err != nil {
		return ce.Err
	}
	return err
}

// connectionHint names the attribute to look at for a failed connection.
// TLS failures are told apart because "check the network" would mislead.
// A refused client certificate cannot always be told apart: over HTTP/2 the
// server's alert is sometimes lost ("client conn could not be established"),
// so the generic hint for https names the client certificate too.
func connectionHint(u string, err error) (path.Path, string) {
	var verify *tls.CertificateVerificationError
	var unknownCA x509.UnknownAuthorityError
	var hostname x509.HostnameError
	switch {
	case errors.As(err, &verify), errors.As(err, &unknownCA), errors.As(err, &hostname):
		return path.Root("ca_cert"), fmt.Sprintf("Grafana's TLS certificate was not accepted: set ca_cert (or %s) to the CA that signed it, "+
			"or, for testing only, insecure_skip_verify = true.", envCACert)
	case strings.Contains(err.Error(), "tls: certificate required"), strings.Contains(err.Error(), "tls: bad certificate"),
		strings.Contains(err.Error(), "tls: unknown certificate authority"):
		// The server's alert arrives as text only (crypto/tls keeps its type unexported).
		return path.Root("tls_cert"), fmt.Sprintf("Grafana, or a proxy in front of it, refused the TLS client certificate: set tls_cert and tls_key "+
			"(or %s and %s) to a certificate and key it accepts.", envTLSCert, envTLSKey)
	case strings.HasPrefix(u, "https:"):
		return path.Root("url"), fmt.Sprintf("Check url (or %s), the network, and the TLS settings: ca_cert, and tls_cert and tls_key "+
			"when Grafana or a proxy in front of it asks for a client certificate.", envURL)
	default:
		return path.Root("url"), fmt.Sprintf("Check url (or %s) and the network.", envURL)
	}
}

func resolveSettings(ctx context.Context, m providerModel, getenv func(string) string, diags *diag.Diagnostics) settings {
	s := settings{
		url:            stringOr(m.URL, getenv(envURL)),
		auth:           stringOr(m.Auth, getenv(envAuth)),
		caCert:         stringOr(m.CACert, getenv(envCACert)),
		tlsCert:        stringOr(m.TLSCert, getenv(envTLSCert)),
		tlsKey:         stringOr(m.TLSKey, getenv(envTLSKey)),
		generationName: stringOr(m.APIGeneration, getenv(envAPIGeneration)),
		planChecks:     stringOr(m.PlanChecks, getenv(envPlanChecks)),
		refresh:        stringOr(m.Refresh, getenv(envRefresh)),
	}
	if s.url == "" {
		diags.AddAttributeError(path.Root("url"), "Missing Grafana URL",
			"Set url in the provider block or the "+envURL+" environment variable to Grafana's root URL.")
	} else if msg := checkURL(s.url); msg != "" {
		diags.AddAttributeError(path.Root("url"), "Invalid Grafana URL", msg+fromEnv(m.URL, envURL))
	}
	if s.auth == "" {
		diags.AddAttributeError(path.Root("auth"), "Missing credentials",
			"Set auth in the provider block or the "+envAuth+" environment variable to user:password or a service-account token.")
	} else if msg := checkAuth(s.auth); msg != "" {
		diags.AddAttributeError(path.Root("auth"), "Invalid auth", msg+fromEnv(m.Auth, envAuth))
	}

	s.orgID = int64Or(m.OrgID, envOrgID, getenv, 1, 1, diags, "org_id")
	s.retries = int64Or(m.Retries, envRetries, getenv, defaultRetries, 0, diags, "retries")
	s.retryWait = time.Duration(int64Or(m.RetryWait, envRetryWait, getenv, 0, 0, diags, "retry_wait")) * time.Second
	s.timeout = time.Duration(int64Or(m.Timeout, envTimeout, getenv, defaultTimeout, 1, diags, "timeout")) * time.Second

	s.insecure = m.InsecureSkipVerify.ValueBool()
	if m.InsecureSkipVerify.IsNull() {
		if v := getenv(envInsecureSkipVerify); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				diags.AddAttributeError(path.Root("insecure_skip_verify"), "Invalid "+envInsecureSkipVerify,
					fmt.Sprintf("%s must be true or false, not %q.", envInsecureSkipVerify, v))
			}
			s.insecure = b
		}
	}

	if !m.HTTPHeaders.IsNull() {
		diags.Append(m.HTTPHeaders.ElementsAs(ctx, &s.headers, false)...)
	} else if v := getenv(envHTTPHeaders); v != "" {
		if err := json.Unmarshal([]byte(v), &s.headers); err != nil {
			diags.AddAttributeError(path.Root("http_headers"), "Invalid "+envHTTPHeaders,
				envHTTPHeaders+` must be a JSON object of strings, e.g. {"X-Scope": "a"}.`)
		}
	}
	for k := range s.headers {
		if strings.EqualFold(k, "Authorization") {
			diags.AddAttributeError(path.Root("http_headers"), "Authorization header in http_headers",
				"Set credentials with auth, not an Authorization header.")
		}
	}

	switch s.generationName {
	case "", generationAuto:
		s.generation = grafana.GenerationUnknown
	case generationLegacy:
		s.generation = grafana.Generation1
	case generationBasic:
		s.generation = grafana.Generation2
	default:
		diags.AddAttributeError(path.Root("api_generation"), "Invalid api_generation",
			fmt.Sprintf("api_generation must be one of %s, not %q.", strings.Join(apiGenerations, ", "), s.generationName)+fromEnv(m.APIGeneration, envAPIGeneration))
	}
	if s.planChecks == "" {
		s.planChecks = planChecksError
	} else if !slices.Contains(planChecksModes, s.planChecks) {
		diags.AddAttributeError(path.Root("plan_checks"), "Invalid plan_checks",
			fmt.Sprintf("plan_checks must be one of %s, not %q.", strings.Join(planChecksModes, ", "), s.planChecks)+fromEnv(m.PlanChecks, envPlanChecks))
	}
	if s.refresh == "" {
		s.refresh = refreshFull
	} else if !slices.Contains(refreshModes, s.refresh) {
		diags.AddAttributeError(path.Root("refresh"), "Invalid refresh",
			fmt.Sprintf("refresh must be one of %s, not %q.", strings.Join(refreshModes, ", "), s.refresh)+fromEnv(m.Refresh, envRefresh))
	}
	return s
}

// fromEnv tells where a rejected value came from when the configuration
// did not set it: otherwise the user looks for it in the wrong place.
func fromEnv(v types.String, env string) string {
	if v.IsNull() {
		return " The value comes from the " + env + " environment variable."
	}
	return ""
}

func stringOr(v types.String, fromEnv string) string {
	if !v.IsNull() {
		return v.ValueString()
	}
	return fromEnv
}

func int64Or(v types.Int64, env string, getenv func(string) string, def, minimum int64, diags *diag.Diagnostics, attr string) int64 {
	if !v.IsNull() {
		return v.ValueInt64()
	}
	raw := getenv(env)
	if raw == "" {
		return def
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n < minimum {
		diags.AddAttributeError(path.Root(attr), "Invalid "+env,
			fmt.Sprintf("%s (for %s) must be a whole number of at least %d, not %q.", env, attr, minimum, raw))
		return def
	}
	return n
}

// pemOrFile reads a PEM value that may be given inline or as a file path.
func pemOrFile(v string) ([]byte, error) {
	if strings.Contains(v, "-----BEGIN") {
		return []byte(v), nil
	}
	return os.ReadFile(v)
}

func buildTLS(s settings) (*tls.Config, diag.Diagnostics) {
	var diags diag.Diagnostics
	if s.caCert == "" && s.tlsCert == "" && s.tlsKey == "" && !s.insecure {
		return nil, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: s.insecure} //nolint:gosec // the user asked for it
	if s.caCert != "" {
		pemData, err := pemOrFile(s.caCert)
		if err != nil {
			diags.AddAttributeError(path.Root("ca_cert"), "Cannot read ca_cert",
				fmt.Sprintf("ca_cert is neither PEM text nor a readable file: %s. Set it to the CA bundle's path or its PEM text.", err))
			return nil, diags
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pemData) {
			diags.AddAttributeError(path.Root("ca_cert"), "Invalid ca_cert",
				"ca_cert holds no PEM certificate. Set it to a PEM CA bundle (-----BEGIN CERTIFICATE-----).")
			return nil, diags
		}
		cfg.RootCAs = pool
	}
	if s.tlsCert != "" || s.tlsKey != "" {
		if s.tlsCert == "" || s.tlsKey == "" {
			diags.AddAttributeError(path.Root("tls_cert"), "Incomplete client certificate", "Set both tls_cert and tls_key, or neither.")
			return nil, diags
		}
		certPEM, err := pemOrFile(s.tlsCert)
		if err != nil {
			diags.AddAttributeError(path.Root("tls_cert"), "Cannot read tls_cert", fmt.Sprintf("tls_cert is neither PEM text nor a readable file: %s.", err))
			return nil, diags
		}
		keyPEM, err := pemOrFile(s.tlsKey)
		if err != nil {
			// The error would repeat the value, which may be a mangled key.
			diags.AddAttributeError(path.Root("tls_key"), "Cannot read tls_key", "tls_key is neither PEM text nor the path of a readable file.")
			return nil, diags
		}
		pair, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			diags.AddAttributeError(path.Root("tls_cert"), "Invalid client certificate",
				"tls_cert and tls_key do not form a valid certificate and key pair: "+err.Error())
			return nil, diags
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return cfg, diags
}

func (p *grafanarbacProvider) Resources(context.Context) []func() resource.Resource {
	return resourceConstructors()
}

func (p *grafanarbacProvider) DataSources(context.Context) []func() datasource.DataSource {
	return dataSourceConstructors()
}

func (p *grafanarbacProvider) Functions(context.Context) []func() function.Function {
	return functionConstructors()
}
