namespace WhatsApp.Gateway.Allowances;

/// <summary>
/// What a REST route or hub method costs against the user's allowance when it costs more than the plain 1 of a read:
/// on a hub method as an attribute, on an endpoint through <see cref="AllowanceExtensions.WithCost{TBuilder}"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class CostAttribute(int cost) : Attribute
{
    public const int Default = 1;

    public int Cost { get; } = cost;
}
