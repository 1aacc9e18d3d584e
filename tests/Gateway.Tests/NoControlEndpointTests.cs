using System.Net;
using System.Net.Http.Headers;
using WhatsApp.Gateway.Tests.Infrastructure;

namespace WhatsApp.Gateway.Tests;

/// <summary>
/// The fault buttons exist only where ./run's launcher owns the processes. A gateway on its own (compose, or any
/// deployment without the launcher) has no control endpoint: whatever a caller presents, nothing is stopped.
/// </summary>
[Collection(ChatSystemCollection.Name)]
public sealed class NoControlEndpointTests(ChatSystemFixture fixture)
{
    [Theory]
    [InlineData("GET", "/control/cluster")]
    [InlineData("POST", "/control/silos/1/stop")]
    [InlineData("POST", "/control/databases/1/stop")]
    public async Task ControlPath_OnTheGateway_IsNotFoundAndStopsNothing(string method, string path)
    {
        var silos = fixture.System.RunningSilos.Select(silo => silo.Id).ToList();
        using var http = new HttpClient { BaseAddress = fixture.System.GatewayUrl };
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "a-secret-the-gateway-has-never-heard-of-000");
        request.Headers.Add("X-Chat-Client", "cluster-panel");

        using var answer = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        Assert.Equal(silos, fixture.System.RunningSilos.Select(silo => silo.Id).ToList());
    }
}
