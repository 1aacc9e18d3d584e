using Microsoft.Playwright;
using WhatsApp.Testing;

namespace WhatsApp.Browser.Tests;

/// <summary>
/// Every run keeps its screenshots in artifacts/screenshots; with UPDATE_SCREENSHOT=1 it also refreshes the ones the
/// README shows (in docs/), so ordinary runs do not rewrite tracked files.
/// </summary>
public static class Screenshots
{
    public static async Task SaveAsync(IPage page, string artifactName, string docsName)
    {
        var artifact = Path.Combine(RepositoryLayout.Root, "artifacts", "screenshots", artifactName);
        Directory.CreateDirectory(Path.GetDirectoryName(artifact)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = artifact });
        if (Environment.GetEnvironmentVariable("UPDATE_SCREENSHOT") == "1")
        {
            File.Copy(artifact, Path.Combine(RepositoryLayout.Root, "docs", docsName), overwrite: true);
        }

        Assert.True(new FileInfo(artifact).Length > 10_000);
    }
}
