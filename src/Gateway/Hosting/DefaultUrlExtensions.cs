namespace WhatsApp.Gateway.Hosting;

public static class DefaultUrlExtensions
{
    /// <summary>
    /// Listens on the given address unless urls were configured (--urls, ASPNETCORE_URLS or "urls"). A "Urls" entry in
    /// appsettings.json would instead override the environment, which compose and the launcher rely on.
    /// </summary>
    public static WebApplicationBuilder UseDefaultUrl(this WebApplicationBuilder builder, string url)
    {
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(url);
        }

        return builder;
    }
}
