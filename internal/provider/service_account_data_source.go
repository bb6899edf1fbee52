package provider

import (
	"context"
	"fmt"

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
	_ datasource.DataSourceWithConfigure        = (*serviceAccountDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*serviceAccountDataSource)(nil)
)

// NewServiceAccountDataSource is the grafanarbac_service_account data source.
func NewServiceAccountDataSource() datasource.DataSource {
	return &serviceAccountDataSource{}
}

type serviceAccountDataSource struct {
	data *providerData
}

type serviceAccountDataSourceModel struct {
	ID       types.Int64  `tfsdk:"id"`
	Name     types.String `tfsdk:"name"`
	OrgID    types.Int64  `tfsdk:"org_id"`
	Login    types.String `tfsdk:"login"`
	Role     types.String `tfsdk:"role"`
	Disabled types.Bool   `tfsdk:"disabled"`
}

func (d *serviceAccountDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_service_account"
}

func (d *serviceAccountDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One service account of an organization, found by its exact `name` or its `id` (set exactly one), " +
			"for `grafanarbac_user_role_assignment.user_id`. When no name matches, the error names the closest ones " +
			"(case-insensitive). Service accounts exist on Grafana 9 and later (generation 2); reading them needs an Admin of the organization.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				MarkdownDescription: "Exact name of the service account (case-sensitive).",
				Optional:            true, Computed: true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"id": schema.Int64Attribute{
				MarkdownDescription: "Id of the service account.",
				Optional:            true, Computed: true,
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"org_id":   lookupOrgIDAttribute(),
			"login":    schema.StringAttribute{MarkdownDescription: "Login Grafana gave the service account (`sa-…`).", Computed: true},
			"role":     schema.StringAttribute{MarkdownDescription: "The service account's basic role in the organization.", Computed: true},
			"disabled": schema.BoolAttribute{MarkdownDescription: "Whether the service account is disabled (its tokens are refused).", Computed: true},
		},
	}
}

func (d *serviceAccountDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("name"), path.MatchRoot("id")),
	}
}

func (d *serviceAccountDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if data := providerDataFrom(req.ProviderData, &resp.Diagnostics); data != nil {
		d.data = data
	}
}

func (d *serviceAccountDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	cfg, ok := readConfig[serviceAccountDataSourceModel](ctx, req, &resp.Diagnostics)
	if !ok {
		return
	}
	orgID := lookupOrgID(d.data, cfg.OrgID)
	client := orgClient(d.data, orgID)
	if !requireGeneration2(ctx, client, "Service accounts need Grafana 9 or later",
		"This Grafana uses the generation 1 API (Grafana 8), which has no service accounts.", &resp.Diagnostics) {
		return
	}
	sa, attr, detail, err := findServiceAccount(ctx, client, cfg, orgID)
	switch {
	case err != nil:
		resp.Diagnostics.AddError("Cannot read service accounts", fmt.Sprintf("In organization %d: %s", orgID, err))
		return
	case sa == nil:
		resp.Diagnostics.AddAttributeError(path.Root(attr), "Service account not found", detail)
		return
	}
	cfg.ID = types.Int64Value(sa.ID)
	cfg.Name = types.StringValue(sa.Name)
	cfg.OrgID = types.Int64Value(orgID)
	cfg.Login = types.StringValue(sa.Login)
	cfg.Role = types.StringValue(sa.Role)
	cfg.Disabled = types.BoolValue(sa.IsDisabled)
	resp.Diagnostics.Append(resp.State.Set(ctx, cfg)...)
}

// findServiceAccount returns the account the configuration names, or nil
// with the attribute to blame and a detail naming the closest names.
func findServiceAccount(ctx context.Context, client *grafana.Client, cfg serviceAccountDataSourceModel, orgID int64) (*grafana.ServiceAccount, string, string, error) {
	if !cfg.ID.IsNull() {
		sa, err := client.GetServiceAccount(ctx, cfg.ID.ValueInt64())
		if grafana.IsNotFound(err) {
			return nil, "id", fmt.Sprintf("In organization %d, no service account has id %d.", orgID, cfg.ID.ValueInt64()), nil
		}
		return sa, "", "", err
	}
	name := cfg.Name.ValueString()
	// The search matches substrings of name or login; only the exact name counts.
	hits, err := client.SearchServiceAccounts(ctx, name)
	if err != nil {
		return nil, "", "", err
	}
	for i := range hits {
		if hits[i].Name == name {
			return &hits[i], "", "", nil
		}
	}
	all, err := client.SearchServiceAccounts(ctx, "")
	if err != nil {
		return nil, "", "", err
	}
	names := make([]string, len(all))
	for i, sa := range all {
		names[i] = sa.Name
	}
	return nil, "name", notFoundDetail("service account's name", orgID, name, names), nil
}
