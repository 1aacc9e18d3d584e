namespace WhatsApp.Launcher.Plan;

/// <summary>
/// Where a run's files are: the data folder (the stores' data, the generated secrets, the logs) and the built hosts,
/// which sit beside the launcher's own build (src/Launcher/bin/Release/net10.0 and src/Silo/bin/Release/net10.0).
/// </summary>
public sealed class LocalLayout(string dataFolder)
{
    private static readonly string LauncherBuild = Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory);

    public string Data => dataFolder;

    /// <summary>The logs name users and addresses: for whoever runs the cluster only.</summary>
    public string Logs => Path.Combine(dataFolder, "logs");

    public string Secrets => Path.Combine(dataFolder, "secrets");

    public string Redis => Path.Combine(dataFolder, "redis");

    /// <summary>The checkout: the launcher's build is src/Launcher/bin/{configuration}/{framework}.</summary>
    public static string Repository => Path.GetFullPath(Path.Combine(LauncherBuild, "..", "..", "..", "..", ".."));

    /// <summary>Shard 0's database keeps the folder of the one-database layout, so a data folder can grow into shards.</summary>
    public string PostgresData(int database) => Path.Combine(dataFolder, database == 0 ? "postgres" : $"postgres-{database}");

    public string PostgresLog(int database) => Log(database == 0 ? "postgres" : $"postgres-{database}");

    public string Log(string name) => Path.Combine(Logs, $"{name}.log");

    /// <summary>The build of a host project (Silo, Gateway, Client), built with the launcher's configuration and framework.</summary>
    public static string BuildOf(string project) => Path.Combine(
        Repository, "src", project, "bin", Path.GetFileName(Path.GetDirectoryName(LauncherBuild)!), Path.GetFileName(LauncherBuild));

    public static string AssemblyOf(string project) => $"WhatsApp.{project}.dll";
}
