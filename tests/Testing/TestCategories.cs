namespace WhatsApp.Testing;

/// <summary>
/// The trait ./test --fast leaves out: tests that start whole systems of processes (silos, gateways, browsers, the
/// launcher). What remains (unit tests and in-process clusters) runs in about a minute.
/// </summary>
public static class TestCategories
{
    public const string Name = "Category";

    public const string System = "System";
}
