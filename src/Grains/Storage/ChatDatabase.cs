using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;

namespace WhatsApp.Grains.Storage;

/// <summary>
/// The PostgreSQL database the chat's rows live in, and the service id every row is keyed by (so clusters sharing one
/// database never see each other's rows, as with Orleans grain state).
/// </summary>
public sealed class ChatDatabase(NpgsqlDataSource dataSource, IOptions<ClusterOptions> cluster)
{
    public NpgsqlDataSource DataSource => dataSource;

    public string ServiceId => cluster.Value.ServiceId;

    /// <summary>PostgreSQL keeps microseconds: times are cut to that before use, so what a client gets back at once equals what it reads later.</summary>
    public static DateTimeOffset StorablePrecision(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % 10), TimeSpan.Zero);
}
