package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

var (
	_ datasource.DataSourceWithConfigure        = (*userDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*userDataSource)(nil)
)

// NewUserDataSource is the grafanarbac_user data source.
func NewUserDataSource() datasource.DataSource {
	return &userDataSource{}
}

type userDataSource struct {
	data *providerData
}

type userDataSourceModel struct {
	ID             types.Int64  `tfsdk:"id"`
	Login          types.String `tfsdk:"login"`
	Email          types.String `tfsdk:"email"`
	OrgID          types.Int64  `tfsdk:"org_id"`
	Name           types.String `tfsdk:"name"`
	OrgRole        types.String `tfsdk:"org_role"`
	IsGrafanaAdmin types.Bool   `tfsdk:"is_grafana_admin"`
}

func (d *userDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user"
}

func (d *userDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One member of an organization, found by `login`, `email` or `id` (set exactly one), " +
			"for `grafanarbac_user_role_assignment.user_id`. Login and email match case-insensitively. " +
			"When nothing matches, the error names the closest logins or emails. " +
			"Needs an Admin of the organization (it reads `GET /api/org/users` and `GET /api/users/lookup`).",
		Attributes: map[string]schema.Attribute{
			"login": schema.StringAttribute{
				MarkdownDescription: "Login of the user.",
				Optional:            true, Computed: true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"email": schema.StringAttribute{
				MarkdownDescription: "Email address of the user.",
				Optional:            true, Computed: true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"id": schema.Int64Attribute{
				MarkdownDescription: "Id of the user.",
				Optional:            true, Computed: true,
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"org_id":           lookupOrgIDAttribute(),
			"name":             schema.StringAttribute{MarkdownDescription: "Display name of the user.", Computed: true},
			"org_role":         schema.StringAttribute{MarkdownDescription: "The user's basic role in the organization: `Viewer`, `Editor`, `Admin` or `None`.", Computed: true},
			"is_grafana_admin": schema.BoolAttribute{MarkdownDescription: "Whether the user is a Grafana server admin.", Computed: true},
		},
	}
}

func (d *userDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("login"), path.MatchRoot("email"), path.MatchRoot("id")),
	}
}

func (d *userDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if data := providerDataFrom(req.ProviderData, &resp.Diagnostics); data != nil {
		d.data = data
	}
}

func (d *userDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	cfg, ok := readConfig[userDataSourceModel](ctx, req, &resp.Diagnostics)
	if !ok {
		return
	}
	orgID := lookupOrgID(d.data, cfg.OrgID)
	client := orgClient(d.data, orgID)
	members, err := client.ListOrgUsers(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Cannot list users", fmt.Sprintf("Reading the members of organization %d: %s", orgID, err))
		return
	}
	attr, key, match, candidates := userMatcher(cfg, members)
	var found *grafana.OrgUser
	for i := range members {
		if match(members[i]) {
			found = &members[i]
			break
		}
	}
	if found == nil {
		detail := notFoundDetail("member's "+attr, orgID, key, candidates)
		if attr == "id" {
			detail = fmt.Sprintf("In organization %d, no member has id %s.", orgID, key)
		}
		resp.Diagnostics.AddAttributeError(path.Root(attr), "User not found", detail)
		return
	}
	profile, err := client.LookupUser(ctx, found.Login)
	if err != nil {
		resp.Diagnostics.AddError("Cannot read user", fmt.Sprintf("Reading user %q (id %d) for is_grafana_admin: %s", found.Login, found.UserID, err))
		return
	}
	cfg.ID = types.Int64Value(found.UserID)
	cfg.Login = types.StringValue(found.Login)
	cfg.Email = types.StringValue(found.Email)
	cfg.Name = types.StringValue(found.Name)
	cfg.OrgID = types.Int64Value(orgID)
	cfg.OrgRole = types.StringValue(found.Role)
	cfg.IsGrafanaAdmin = types.BoolValue(profile.IsGrafanaAdmin)
	resp.Diagnostics.Append(resp.State.Set(ctx, cfg)...)
}

// userMatcher says which attribute the configuration looks up by, its value,
// how a member matches it and which names to suggest when none does.
func userMatcher(cfg userDataSourceModel, members []grafana.OrgUser) (attr, key string, match func(grafana.OrgUser) bool, candidates []string) {
	for _, m := range members {
		switch {
		case !cfg.Email.IsNull():
			candidates = append(candidates, m.Email)
		default:
			candidates = append(candidates, m.Login)
		}
	}
	switch {
	case !cfg.Login.IsNull():
		key = cfg.Login.ValueString()
		return "login", key, func(u grafana.OrgUser) bool { return strings.EqualFold(u.Login, key) }, candidates
	case !cfg.Email.IsNull():
		key = cfg.Email.ValueString()
		return "email", key, func(u grafana.OrgUser) bool { return strings.EqualFold(u.Email, key) }, candidates
	default:
		id := cfg.ID.ValueInt64()
		return "id", fmt.Sprint(id), func(u grafana.OrgUser) bool { return u.UserID == id }, nil
	}
}
