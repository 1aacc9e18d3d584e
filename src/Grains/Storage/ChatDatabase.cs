using System.Net.Sockets;
using Npgsql;

namespace WhatsApp.Grains.Storage;

/// <summary>
/// One PostgreSQL database the chat's rows live in (a shard's, or the one every shard shares), and the service id every
/// row is keyed by (so clusters sharing one database never see each other's rows, as with Orleans grain state).
/// <paramref name="unflushedCommits"/> reaches the same database with commits that do not wait for the WAL flush (see
/// <see cref="RunUnflushedAsync{T}"/>); without one, those writes wait like any other.
/// </summary>
public sealed class ChatDatabase(int index, NpgsqlDataSource dataSource, string serviceId, NpgsqlDataSource? unflushedCommits = null)
{
    /// <summary>Its position among the cluster's distinct databases (0 for the first shard's).</summary>
    public int Index => index;

    /// <summary>Where it is, for people: host:port/database, never the password.</summary>
    public string Name { get; } = NameOf(dataSource.ConnectionString);

    public NpgsqlDataSource DataSource => dataSource;

    public NpgsqlDataSource UnflushedCommits => unflushedCommits ?? dataSource;

    public string ServiceId => serviceId;

    /// <summary>
    /// Runs work that is safe to run twice (a read, or one statement whose repeat changes nothing). When its pooled
    /// connection turns out to have died with an earlier server (after a restart every idle connection in the pool has),
    /// that is no caller's error: the pool is cleared and the work runs once more, on a fresh connection. A server that
    /// is still down fails the second try at once, as before.
    /// </summary>
    public Task<T> RunAsync<T>(Func<NpgsqlDataSource, Task<T>> work) => OnceMoreIfConnectionLostAsync(() => work(dataSource), dataSource.Clear);

    /// <summary>
    /// Like <see cref="RunAsync{T}"/>, for writes whose commit need not wait for the disk: a crash may lose the last of
    /// them, so only writes that something durable later confirms (an upload's chunks, confirmed by its completion,
    /// whose synchronous commit flushes everything written before it). They stop costing a disk flush each, to
    /// themselves and to every send committing meanwhile.
    /// </summary>
    public Task<T> RunUnflushedAsync<T>(Func<NpgsqlDataSource, Task<T>> work)
    {
        var source = unflushedCommits ?? dataSource;
        return OnceMoreIfConnectionLostAsync(() => work(source), source.Clear);
    }

    /// <inheritdoc cref="RunAsync{T}"/>
    public Task RunAsync(Func<NpgsqlDataSource, Task> work) => RunAsync(async source =>
    {
        await work(source);
        return true;
    });

    /// <summary>
    /// The one recovery every path to PostgreSQL shares: runs the work, and when its connection turns out to have been
    /// lost (<see cref="IsLostConnection"/>) and <paramref name="mayRepeat"/> allows it, clears the pool the connection
    /// came from and runs the work once more. A second failure is the caller's, as any first one otherwise.
    /// </summary>
    public static async Task<T> OnceMoreIfConnectionLostAsync<T>(Func<Task<T>> work, Action clearPool, Func<bool>? mayRepeat = null)
    {
        try
        {
            return await work();
        }
        catch (Exception exception) when (IsLostConnection(exception) && (mayRepeat?.Invoke() ?? true))
        {
            clearPool();
        }

        return await work();
    }

    /// <summary>
    /// Whether a connection broke under the statement (the server closed it, restarted or went away) rather than the
    /// server refusing the statement or taking too long: only then does a fresh connection help.
    /// </summary>
    public static bool IsLostConnection(Exception exception) => exception switch
    {
        PostgresException { SqlState: PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown } => true,
        PostgresException => false,
        NpgsqlException { InnerException: IOException or SocketException } => true,
        _ => false,
    };

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
