namespace WhatsApp.Testing;

/// <summary>Where the repository and the hosts' build outputs are, seen from a test assembly in tests/X/bin/{Configuration}/net10.0.</summary>
public static class RepositoryLayout
{
    public static string Root { get; } = FindRoot();

    /// <summary>The build configuration the tests run under (Debug or Release), read from the test assembly's own path.</summary>
    public static string Configuration { get; } = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    /// <summary>The build output folder of a host project under src/ (built with the solution).</summary>
    public static string HostOutput(string project)
    {
        var folder = Path.Combine(Root, "src", project, "bin", Configuration, "net10.0");
        return Directory.Exists(folder)
            ? folder
            : throw new DirectoryNotFoundException($"{folder} does not exist: build the solution ({Configuration}) first.");
    }

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "WhatsApp.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No WhatsApp.sln above {AppContext.BaseDirectory}.");
    }
}
