namespace WhatsApp.Testing;

/// <summary>A data folder of its own for one test's ./run (--data), in the temp directory, removed afterwards.</summary>
public sealed class DataFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("whatsapp-run-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a process that is shutting down; the folder is in the temp directory anyway.
        }
    }
}
