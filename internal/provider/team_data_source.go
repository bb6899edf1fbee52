package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

var _ datasource.DataSourceWithConfigure = (*teamDataSource)(nil)

// NewTeamDataSource is the grafanarbac_team data source.
func NewTeamDataSource() datasource.DataSource {
	return &teamDataSource{}
}

type teamDataSource struct {
	data *providerData
}

type teamDataSourceModel struct {
	Name  types.String `tfsdk:"name"`
	OrgID types.Int64  `tfsdk:"org_id"`
	ID    types.Int64  `tfsdk:"id"`
	Email types.String `tfsdk:"email"`
}

func (d *teamDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_team"
}

func (d *teamDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One team, found by its exact name, for `grafanarbac_team_role_assignment.team_id`. " +
			"Fails when no team, or more than one, has that name.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				MarkdownDescription: "Exact name of the team (case-sensitive).",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"org_id": lookupOrgIDAttribute(),
			"id":     schema.Int64Attribute{MarkdownDescription: "Id of the team.", Computed: true},
			"email":  schema.StringAttribute{MarkdownDescription: "Email address of the team; empty when none.", Computed: true},
		},
	}
}

func (d *teamDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if data := providerDataFrom(req.ProviderData, &resp.Diagnostics); data != nil {
		d.data = data
	}
}

func (d *teamDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	cfg, ok := readConfig[teamDataSourceModel](ctx, req, &resp.Diagnostics)
	if !ok {
		return
	}
	orgID := lookupOrgID(d.data, cfg.OrgID)
	name := cfg.Name.ValueString()
	teams, err := orgClient(d.data, orgID).SearchTeams(ctx, name)
	if err != nil && orgMissing(ctx, d.data, orgID, err, &resp.Diagnostics) {
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot search teams", fmt.Sprintf("Searching organization %d for team %q: %s", orgID, name, err))
		return
	}
	team, summary, problem := pickTeam(teams, name)
	if summary == "Team not found" {
		// The search by name is exact; one by query finds the name in another case.
		if near, err := orgClient(d.data, orgID).FindTeams(ctx, name); err == nil {
			_, _, problem = pickTeam(near, name)
		}
	}
	if problem != "" {
		resp.Diagnostics.AddAttributeError(path.Root("name"), summary, fmt.Sprintf("In organization %d, %s", orgID, problem))
		return
	}
	cfg.OrgID = types.Int64Value(orgID)
	cfg.ID = types.Int64Value(team.ID)
	cfg.Email = types.StringValue(team.Email)
	resp.Diagnostics.Append(resp.State.Set(ctx, cfg)...)
}

// pickTeam returns the one team named exactly name, or a summary and detail
// of what is wrong. The
// search may also return teams whose names only contain name or differ in
// case; those never match, but are named to help.
func pickTeam(teams []grafana.Team, name string) (team grafana.Team, summary, problem string) {
	var exact []grafana.Team
	var others []string
	for _, t := range teams {
		if t.Name == name {
			exact = append(exact, t)
		} else {
			others = append(others, t.Name)
		}
	}
	switch len(exact) {
	case 1:
		return exact[0], "", ""
	case 0:
		msg := fmt.Sprintf("no team is named %q.", name) + suggestionSentence(name, others)
		if slices.ContainsFunc(others, func(o string) bool { return strings.EqualFold(o, name) }) {
			msg += " Names are case-sensitive."
		}
		return grafana.Team{}, "Team not found", msg
	default:
		ids := make([]string, len(exact))
		for i, t := range exact {
			ids[i] = fmt.Sprint(t.ID)
		}
		return grafana.Team{}, "Several teams with this name", fmt.Sprintf("%d teams are named %q (ids %s); rename one, or use the team id directly.",
			len(exact), name, strings.Join(ids, ", "))
	}
}
