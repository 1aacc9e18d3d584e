using Npgsql;

namespace WhatsApp.Grains.Storage;

/// <summary>
/// One PostgreSQL database the chat's rows live in (a shard's, or the one every shard shares), and the service id every
/// row is keyed by (so clusters sharing one database never see each other's rows, as with Orleans grain state).
/// </summary>
public sealed class ChatDatabase(int index, NpgsqlDataSource dataSource, string serviceId)
{
    /// <summary>Its position among the cluster's distinct databases (0 for the first shard's).</summary>
    public int Index => index;

    /// <summary>Where it is, for people: host:port/database, never the password.</summary>
    public string Name { get; } = NameOf(dataSource.ConnectionString);

    public NpgsqlDataSource DataSource => dataSource;

    public string ServiceId => serviceId;

    /// <summary>PostgreSQL keeps microseconds: times are cut to that before use, so what a client gets back at once equals what it reads later.</summary>
    public static DateTimeOffset StorablePrecision(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % 10), TimeSpan.Zero);

    /// <summary>The server and database a connection string names: two shards whose strings name the same one share it.</summary>
    public static string NameOf(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{builder.Host}:{builder.Port}/{builder.Database}";
    }

    public override string ToString() => Name;
}
