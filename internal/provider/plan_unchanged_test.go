package provider

import (
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// A custom role's Read keeps the state without encoding it again when the
// role reads back the same: same must tell every field apart, including
// fields added later.
func TestCustomRoleModelSame(t *testing.T) {
	base := customRoleModel{
		UID: types.StringValue("u"), OrgID: types.Int64Value(1), Name: types.StringValue("n"), DisplayName: types.StringValue("d"),
		Description: types.StringValue("x"), Group: types.StringValue("g"), Hidden: types.BoolValue(false), Global: types.BoolValue(false),
		Permissions: permissionsToSet(nil), Version: types.Int64Value(1), AutoIncrementVersion: types.BoolValue(true), ForceDelete: types.BoolValue(false),
	}
	if !base.same(base) {
		t.Fatal("a model differs from itself")
	}
	fields := reflect.TypeOf(base)
	for i := range fields.NumField() {
		m := base
		f := reflect.ValueOf(&m).Elem().Field(i)
		var other attr.Value
		switch v := f.Interface().(type) {
		case types.String:
			other = types.StringValue(v.ValueString() + "!")
		case types.Int64:
			other = types.Int64Value(v.ValueInt64() + 1)
		case types.Bool:
			other = types.BoolValue(!v.ValueBool())
		case types.Set:
			other = types.SetNull(v.ElementType(t.Context()))
		default:
			t.Fatalf("field %s: type %T not covered by this test", fields.Field(i).Name, v)
		}
		f.Set(reflect.ValueOf(other))
		if base.same(m) {
			t.Errorf("same misses a change of %s", fields.Field(i).Name)
		}
	}
}
