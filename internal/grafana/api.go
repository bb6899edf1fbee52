// Package grafana is a client for Grafana's access-control (RBAC) HTTP API.
// It knows nothing of Terraform.
//
// The exported surface is shared with the provider and the emulator tests:
// names and signatures may only grow. The client lives in client.go, the
// endpoints in roles.go and objects.go, typed errors in errors.go.
package grafana

import (
	"context"
	"crypto/tls"
	"net/http"
	"time"
)

// Generation of the access-control API.
type Generation int

const (
	GenerationUnknown Generation = 0
	// Generation1 is Grafana 8.x: built-in role assignment endpoints, basic auth only.
	Generation1 Generation = 1
	// Generation2 is Grafana 9+: basic roles (basic_*), no builtin-roles endpoints.
	Generation2 Generation = 2
)

// DefaultRetries is the retry count a caller should use unless told
// otherwise (Config.Retries 0 disables retries). Six retries, with the
// default waits (0.5 s doubling to 10 s), survive the weather Grafana Cloud
// sees at its worst, 10% 500s and 5% 429s: a call then fails with
// probability 0.15^7, about 2 in a million (TestDefaultRetryBudgetWeather).
// DefaultRetryMaxElapsed bounds the time they may take.
const DefaultRetries = 6

// DefaultRetryMaxElapsed is how long after its first attempt a call may
// still start a retry (Config.RetryMaxElapsed), unless twice the
// per-request timeout is longer.
const DefaultRetryMaxElapsed = 60 * time.Second

// Config configures a Client.
type Config struct {
	URL string // base URL, e.g. http://127.0.0.1:3000
	// Auth is "user:password" (basic auth) or a bearer token (service-account token).
	Auth  string
	OrgID int64 // default org for calls; 0 means 1

	TLSConfig *tls.Config       // optional; nil uses system roots
	Headers   map[string]string // extra headers on every request (values are secret)

	Retries      int           // max retries for idempotent calls and creates with a uid (see CreateRole); 0 disables
	RetryWait    time.Duration // base backoff; default 500ms
	RetryWaitMax time.Duration // cap; default 10s
	Timeout      time.Duration // per-request timeout; default 30s
	// RetryMaxElapsed bounds a call in time: no retry starts, and no wait
	// for one, past this long after the first attempt. Default
	// DefaultRetryMaxElapsed, or 2 × Timeout when that is longer.
	RetryMaxElapsed time.Duration

	// Generation forces the API generation; GenerationUnknown probes (once, cached).
	Generation Generation
	UserAgent  string
	// Logf, when set, receives one line per request (method, path, status, duration).
	// It never receives credentials or header values.
	Logf func(ctx context.Context, msg string, fields map[string]any)
	// HTTPClient overrides the transport (tests); nil uses go-cleanhttp's pooled transport.
	HTTPClient *http.Client
}

// Permission is one action on one scope. An empty Scope means "no scope".
type Permission struct {
	Action string `json:"action"`
	Scope  string `json:"scope"`
}

// Role is Grafana's RoleDTO. List endpoints leave Permissions nil.
type Role struct {
	Version     int64        `json:"version"`
	UID         string       `json:"uid"`
	Name        string       `json:"name"`
	DisplayName string       `json:"displayName,omitempty"`
	Description string       `json:"description,omitempty"`
	Group       string       `json:"group,omitempty"`
	Global      bool         `json:"global"`
	Hidden      bool         `json:"hidden,omitempty"`
	Delegatable *bool        `json:"delegatable,omitempty"`
	Permissions []Permission `json:"permissions,omitempty"`
	Created     string       `json:"created,omitempty"`
	Updated     string       `json:"updated,omitempty"`
}

// CreateRoleRequest is the body of POST /api/access-control/roles.
type CreateRoleRequest struct {
	UID         string       `json:"uid,omitempty"`
	Name        string       `json:"name"`
	Version     int64        `json:"version,omitempty"`
	DisplayName string       `json:"displayName,omitempty"`
	Description string       `json:"description,omitempty"`
	Group       string       `json:"group,omitempty"`
	Global      bool         `json:"global"`
	Hidden      bool         `json:"hidden"`
	Permissions []Permission `json:"permissions"`
}

// UpdateRoleRequest is the body of PUT /api/access-control/roles/:uid.
// Version 0 is omitted (the server then stores old+1).
type UpdateRoleRequest struct {
	Version     int64        `json:"version,omitempty"`
	Name        string       `json:"name"`
	DisplayName string       `json:"displayName,omitempty"`
	Description string       `json:"description,omitempty"`
	Group       string       `json:"group,omitempty"`
	Global      bool         `json:"global"`
	Hidden      bool         `json:"hidden"`
	Permissions []Permission `json:"permissions"`
}

type ListRolesOptions struct {
	IncludeHidden bool
	Delegatable   bool
}

type DeleteRoleOptions struct {
	Force  bool
	Global bool
}

// RoleAssignments is the answer of GET /roles/:uid/assignments (gen 2).
type RoleAssignments struct {
	RoleUID         string  `json:"role_uid"`
	Users           []int64 `json:"users"`
	Teams           []int64 `json:"teams"`
	ServiceAccounts []int64 `json:"service_accounts"`
}

type Team struct {
	ID    int64  `json:"id"`
	OrgID int64  `json:"orgId"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

// User is a user as GET /api/user and /api/users/lookup answer; a service
// account is never a server admin (IsGrafanaAdmin).
type User struct {
	ID             int64  `json:"id"`
	Login          string `json:"login"`
	Email          string `json:"email"`
	Name           string `json:"name"`
	OrgID          int64  `json:"orgId"`
	IsGrafanaAdmin bool   `json:"isGrafanaAdmin"`
}

type CreateUserRequest struct {
	Name     string `json:"name,omitempty"`
	Login    string `json:"login"`
	Email    string `json:"email,omitempty"`
	Password string `json:"password"`
	OrgID    int64  `json:"orgId,omitempty"`
}

type ServiceAccount struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Login string `json:"login"`
	OrgID int64  `json:"orgId"`
	Role  string `json:"role"`
	// IsDisabled is left out of the create answer by Grafana; reads carry it.
	IsDisabled bool `json:"isDisabled"`
}

// Health is GET /api/health.
type Health struct {
	Version  string `json:"version"`
	Commit   string `json:"commit"`
	Database string `json:"database"`
}
