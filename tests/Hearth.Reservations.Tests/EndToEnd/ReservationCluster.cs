using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Hearth.Protocol.Rest;

namespace Hearth.Reservations.Tests.EndToEnd;

/// <summary>
/// A real cluster shared by the end-to-end and browser tests: <c>hearth up</c> (a supervisor and two local workers in
/// one process) on free loopback ports with a short idle timeout, its instances real Python processes. Tests create
/// their own accounts and algorithms, so they never see each other's instances.
/// </summary>
public sealed class ReservationCluster : IAsyncLifetime
{
    /// <summary>Unreserved idle instances stop after this; reserved ones must outlive it.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(90);
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("hearth-reservations-e2e-");
    private readonly List<string> _log = [];
    private Process? _process;

    public Uri Url { get; private set; } = null!;

    public string AdminKey { get; private set; } = "";

    /// <summary>Calls the API with the admin key.</summary>
    public HttpClient Admin { get; private set; } = null!;

    public IReadOnlyDictionary<string, string?> Environment => new Dictionary<string, string?> { ["HEARTH_URL"] = Url.ToString().TrimEnd('/'), ["HEARTH_API_KEY"] = AdminKey };

    public string WorkDirectory => _data.FullName;

    public async ValueTask InitializeAsync() => await StartAsync();

    /// <summary>Stops the cluster (SIGTERM) and starts it again on the same data directory, as an operator restarting it would.</summary>
    public async Task RestartAsync()
    {
        Admin.Dispose();
        await StopAsync();
        await StartAsync();
    }

    private async Task StartAsync()
    {
        var start = HearthCli.StartInfo(new Dictionary<string, string?>(),
            "up", "--data", Path.Combine(_data.FullName, "supervisor"), "--port", "0", "--worker-port", "0", "--workers", "2",
            "--worker-resources", "host.processors=16,host.memory=8192", "--idle-timeout", $"{IdleTimeout.TotalSeconds}s", "--json");
        var announced = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = Process.Start(start)!;
        _process.StandardInput.Close();
        _process.ErrorDataReceived += (_, e) => Remember(e.Data);
        _process.OutputDataReceived += (_, e) =>
        {
            Remember(e.Data);
            if (e.Data is null)
            {
                announced.TrySetException(new InvalidOperationException($"hearth up exited before announcing itself:\n{string.Join('\n', _log)}"));
            }
            else if (e.Data.StartsWith('{'))
            {
                announced.TrySetResult(e.Data);
            }
        };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        using (var line = JsonDocument.Parse(await announced.Task.WaitAsync(StartBound)))
        {
            Url = new Uri(line.RootElement.GetProperty("url").GetString()!);
            AdminKey = line.RootElement.GetProperty("admin_key").GetString()!;
        }

        Admin = Client(AdminKey);
        await WaitUntilAsync("both workers to be up", async () =>
        {
            var workers = await Admin.GetFromJsonAsync<JsonElement>("/v1/workers");
            return workers.GetProperty("workers").EnumerateArray().Count(w => w.GetProperty("state").GetString() == "up") == 2;
        });
    }

    public HttpClient Client(string? key)
    {
        var http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Simple", key);
        }

        return http;
    }

    public Task<CliResult> RunAsync(params string[] args) => HearthCli.RunAsync(Environment, args);

    /// <summary>Removes reservation <paramref name="id"/> when disposed (if it is still there), so a test leaves no warm instances behind.</summary>
    public IAsyncDisposable Removing(long id) => new Removal(this, id);

    /// <summary>Creates a user account and returns a client holding a new key of it.</summary>
    public async Task<HttpClient> UserAsync(string name)
    {
        (await Admin.PostAsJsonAsync("/v1/accounts", new CreateAccountRequest(name, "user"), ApiJson.Options)).EnsureSuccessStatusCode();
        var key = await (await Admin.PostAsync(new Uri($"/v1/accounts/{name}/keys", UriKind.Relative), null)).Content.ReadFromJsonAsync<KeyCreatedView>(ApiJson.Options);
        return Client(key!.Key);
    }

    /// <summary>Pushes <paramref name="directory"/> as a build of <paramref name="algorithm"/> and publishes it public as <paramref name="version"/>.</summary>
    public async Task<string> PublishAsync(string algorithm, string directory, string version)
    {
        var archive = new MemoryStream();
        await using (var gzip = new GZipStream(archive, CompressionLevel.Fastest, leaveOpen: true))
        {
            await TarFile.CreateFromDirectoryAsync(directory, gzip, includeBaseDirectory: false);
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(archive.ToArray()))[..40];
        using var content = new ByteArrayContent(archive.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");
        var pushed = await Admin.PostAsync(new Uri($"/v1/algorithms/{algorithm}/builds?hash={hash}&source=content", UriKind.Relative), content);
        Assert.True(pushed.IsSuccessStatusCode, $"push of {algorithm}: {(int)pushed.StatusCode} {await pushed.Content.ReadAsStringAsync()}");
        var published = await Admin.PostAsJsonAsync($"/v1/algorithms/{algorithm}/versions", new PublishRequest(hash, version, "public"), ApiJson.Options);
        Assert.True(published.IsSuccessStatusCode, $"publish of {algorithm} {version}: {await published.Content.ReadAsStringAsync()}");
        return hash;
    }

    /// <summary>Calls <paramref name="algorithm"/> with a JSON body and returns the reply's metadata and result.</summary>
    public static async Task<(bool ColdStart, string? Version, JsonElement Result)> CallAsync(HttpClient caller, string algorithm, string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        var response = await caller.PostAsync(new Uri($"/v1/algo/{algorithm}", UriKind.Relative), content);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, $"call of {algorithm}: {(int)response.StatusCode} {body}");
        var metadata = body.GetProperty("metadata");
        return (metadata.GetProperty("cold_start").GetBoolean(), metadata.GetProperty("version").GetString(), body.GetProperty("result").Clone());
    }

    public async Task<IReadOnlyList<InstanceItemView>> InstancesAsync(string account) =>
        [.. (await Admin.GetFromJsonAsync<InstanceListView>("/v1/instances", ApiJson.Options))!.Instances.Where(i => i.Account == account)];

    public async Task<ReservationView> ReservationAsync(long id) =>
        (await Admin.GetFromJsonAsync<ReservationView>($"/v1/admin/reservations/{id}", ApiJson.Options))!;

    /// <summary>Waits until the reservation's status is <paramref name="state"/> and returns it.</summary>
    public async Task<ReservationView> WaitForStateAsync(long id, string state, TimeSpan? bound = null)
    {
        ReservationView view = null!;
        await WaitUntilAsync($"reservation {id} to be {state}", async () =>
        {
            view = await ReservationAsync(id);
            return view.Status.State == state;
        }, bound, () => $"its status is {JsonSerializer.Serialize(view?.Status, ApiJson.Options)}");
        return view;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds, failing clearly after a bound.</summary>
    public async Task WaitUntilAsync(string what, Func<Task<bool>> condition, TimeSpan? bound = null, Func<string>? detail = null)
    {
        var limit = bound ?? StartBound;
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > limit)
            {
                Assert.Fail($"timed out after {limit.TotalSeconds:0}s waiting for {what}{(detail is null ? "" : "; " + detail())}\nlast output:\n{string.Join('\n', _log.TakeLast(20))}");
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Admin?.Dispose();
        await StopAsync();
        try
        {
            _data.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A straggling writer; the temporary directory is harmless.
        }
    }

    private async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            // SIGTERM: the supervisor stops its workers, and they their instances.
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process?.Dispose();
        _process = null;
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.Add(line);
        }
    }
}

/// <summary>Deletes a reservation at the end of a test; one already removed is fine.</summary>
internal sealed class Removal(ReservationCluster cluster, long id) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        var response = await cluster.Admin.DeleteAsync(new Uri($"/v1/admin/reservations/{id}", UriKind.Relative));
        Assert.True(response.IsSuccessStatusCode || response.StatusCode == System.Net.HttpStatusCode.NotFound, $"removing reservation {id}: {response.StatusCode}");
    }
}

/// <summary>The end-to-end and browser tests share one cluster and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class ReservationClusterGroup : ICollectionFixture<ReservationCluster>
{
    public const string Name = "reservation cluster";
}
