using Microsoft.Extensions.Logging.Abstractions;
using WhatsApp.Cluster.Tests.Infrastructure;
using WhatsApp.Silo.Persistence;

namespace WhatsApp.Cluster.Tests;

[Collection(PostgresCollection.Name)]
public sealed class PostgresSchemaTests(PostgresFixture postgres)
{
    [Fact]
    public async Task MigrateAsync_ServerWithoutTheDatabase_CreatesItWithEverythingTheProviderReads()
    {
        var database = "fresh_" + Guid.NewGuid().ToString("N")[..8];

        await new PostgresSchema(postgres.Server.ConnectionString(database), NullLogger<PostgresSchema>.Instance)
            .MigrateAsync(TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.Equal(4L, await postgres.Server.QueryScalarAsync<long>(
            "SELECT count(*) FROM orleansquery WHERE querykey IN ('WriteToStorageKey','ReadFromStorageKey','ClearStorageKey','DeleteStorageKey')", database));
        Assert.Equal(0L, await postgres.Server.QueryScalarAsync<long>("SELECT count(*) FROM grain_state", database));
        Assert.Equal((long)PostgresSchema.Scripts().Count, await postgres.Server.QueryScalarAsync<long>("SELECT count(*) FROM schema_history", database));
    }

    [Fact]
    public async Task MigrateAsync_ThreeSilosAtOnceThenAgain_AppliesEachScriptExactlyOnce()
    {
        var connectionString = postgres.Server.ConnectionString("concurrent_" + Guid.NewGuid().ToString("N")[..8]);
        var schema = new PostgresSchema(connectionString, NullLogger<PostgresSchema>.Instance);

        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => schema.MigrateAsync(TimeSpan.FromSeconds(10), CancellationToken.None)));
        await schema.MigrateAsync(TimeSpan.FromSeconds(10), CancellationToken.None);

        var database = new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Database!;
        Assert.Equal((long)PostgresSchema.Scripts().Count, await postgres.Server.QueryScalarAsync<long>("SELECT count(*) FROM schema_history", database));
    }

    [Fact]
    public async Task MigrateAsync_AsALeastPrivilegeRoleThatOwnsItsDatabase_AppliesEveryScriptAndOwnsEveryTable()
    {
        var (role, database) = await LeastPrivilegeRoleAsync();
        await postgres.Server.QueryScalarAsync<int?>($"CREATE DATABASE {database} OWNER {role}", "postgres");

        await new PostgresSchema(ConnectionStringAs(role, database), NullLogger<PostgresSchema>.Instance)
            .MigrateAsync(TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.Equal((long)PostgresSchema.Scripts().Count, await postgres.Server.QueryScalarAsync<long>("SELECT count(*) FROM schema_history", database));
        Assert.Equal(0L, await postgres.Server.QueryScalarAsync<long>($"SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner <> '{role}'", database));
    }

    [Fact]
    public async Task MigrateAsync_MissingDatabaseAndARoleThatMayNotCreateOne_StopsNamingBoth()
    {
        var (role, database) = await LeastPrivilegeRoleAsync();

        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => new PostgresSchema(ConnectionStringAs(role, database), NullLogger<PostgresSchema>.Instance)
            .MigrateAsync(TimeSpan.FromSeconds(10), CancellationToken.None));

        Assert.Contains($"Database {database} does not exist, and role {role} may not create it", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteGrainState_StaleVersion_IsRefusedSoASecondActivationCannotOverwrite()
    {
        var database = "versions_" + Guid.NewGuid().ToString("N")[..8];
        await new PostgresSchema(postgres.Server.ConnectionString(database), NullLogger<PostgresSchema>.Instance)
            .MigrateAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        const string Write = "SELECT write_grain_state(1, 2, 3, 4, 'user', NULL, 'svc', {0}, 'payload'::bytea)";

        var inserted = await postgres.Server.QueryScalarAsync<int?>(string.Format(System.Globalization.CultureInfo.InvariantCulture, Write, "NULL"), database);
        var secondInsert = await postgres.Server.QueryScalarAsync<int?>(string.Format(System.Globalization.CultureInfo.InvariantCulture, Write, "NULL"), database);
        var updated = await postgres.Server.QueryScalarAsync<int?>(string.Format(System.Globalization.CultureInfo.InvariantCulture, Write, "1"), database);
        var stale = await postgres.Server.QueryScalarAsync<int?>(string.Format(System.Globalization.CultureInfo.InvariantCulture, Write, "1"), database);

        Assert.Equal(1, inserted);
        Assert.Null(secondInsert);
        Assert.Equal(2, updated);
        Assert.Null(stale);
    }

    /// <summary>A login role as deployments make the silos' one (deploy/postgres/silo-role.sql), and a database name for it.</summary>
    private async Task<(string Role, string Database)> LeastPrivilegeRoleAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        await postgres.Server.QueryScalarAsync<int?>($"CREATE ROLE silo_{suffix} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE", "postgres");
        return ($"silo_{suffix}", $"owned_{suffix}");
    }

    private string ConnectionStringAs(string role, string database) =>
        new Npgsql.NpgsqlConnectionStringBuilder(postgres.Server.ConnectionString(database)) { Username = role }.ConnectionString;
}
