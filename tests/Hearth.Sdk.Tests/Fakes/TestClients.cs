namespace Hearth.Sdk.Tests.Fakes;

internal static class TestClients
{
    public const string ClientId = "client-1";
    public const string ClientSecret = "s3cret-value";

    public static HearthClient Create(FakeHandler handler, string baseUrl = "http://hearth.test:7070", TimeSpan? timeout = null) =>
        new(new HearthClientOptions
        {
            BaseAddress = new Uri(baseUrl),
            ClientId = ClientId,
            ClientSecret = ClientSecret,
            HttpClient = new HttpClient(handler),
            Timeout = timeout ?? TimeSpan.FromSeconds(10),
        });
}
