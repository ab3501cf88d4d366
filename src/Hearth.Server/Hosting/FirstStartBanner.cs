namespace Hearth.Server.Hosting;

/// <summary>What a fresh install prints once: the admin key and a first request to try.</summary>
internal static class FirstStartBanner
{
    public static void Print(string dataDir, string apiUrl, string clientId, string clientSecret)
    {
        var file = Path.Combine(dataDir, "admin-credentials.json");
        Console.Out.Write($"""

            ==> Hearth admin API key (shown once; also saved to {file}, mode 0600)
                client_id:     {clientId}
                client_secret: {clientSecret}

            ==> Create a workspace:
                curl -s {apiUrl}/workspace -H 'Content-Type: application/json' \
                  -H 'X-Client-ID: {clientId}' -H 'X-Client-Secret: {clientSecret}' \
                  -d '{"{"}"image": "busybox"{"}"}'
                hearth ws create --image busybox --credentials {file}


            """);
        Console.Out.Flush();
    }
}
