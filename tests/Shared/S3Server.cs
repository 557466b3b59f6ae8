using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace Hearth.Testing;

/// <summary>
/// A real S3-compatible server for the tests: <c>s3rver</c> (npm), which <c>./test</c> installs under
/// <c>tests/.tools</c>, started on first use on a free 127.0.0.1 port with its files in a temporary directory, and
/// stopped when the run ends. It has one bucket, <see cref="Bucket"/>: callers keep apart by key prefixes. It takes the credentials
/// <see cref="AccessKey"/>/<see cref="SecretKey"/>. When it cannot start, every test that asks for it fails with the
/// reason: an S3 test never passes by not running.
/// </summary>
public sealed class S3Server : IAsyncDisposable
{
    /// <summary>Overrides where the <c>s3rver</c> command is.</summary>
    public const string CommandVariable = "HEARTH_TEST_S3RVER";

    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    public const string Bucket = "hearth-test";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private Process? _process;
    private string? _directory;
    private Exception? _failure;

    public S3Server() => AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop();

    public Uri Endpoint { get; private set; } = new("http://127.0.0.1:1");

    public static string Command => Environment.GetEnvironmentVariable(CommandVariable) is { Length: > 0 } command
        ? command
        : Path.Combine(HearthCli.Repository(), "tests", ".tools", "node_modules", ".bin", "s3rver");

    /// <summary>Starts the server if needed; then <see cref="Endpoint"/> is where it listens.</summary>
    public async Task<Uri> EndpointAsync(CancellationToken cancellationToken)
    {
        await EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        return Endpoint;
    }

    private async Task EnsureStartedAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_failure is not null)
            {
                throw new InvalidOperationException($"s3rver could not be started for the tests: {_failure.Message}", _failure);
            }

            if (_process is null)
            {
                try
                {
                    await StartAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _failure = e;
                    throw new InvalidOperationException($"s3rver could not be started for the tests: {e.Message}", e);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Command))
        {
            throw new InvalidOperationException($"{Command} does not exist: run ./test, which installs it (npm install --prefix tests/.tools s3rver@3.7.1), or set {CommandVariable}");
        }

        _directory = Directory.CreateTempSubdirectory("hearth-s3-").FullName;
        var port = FreePort.Pick();
        var start = new ProcessStartInfo(Command) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["-d", _directory, "-a", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "--silent", "--no-vhost-buckets"])
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("--configure-bucket");
        start.ArgumentList.Add(Bucket);

        var output = new System.Text.StringBuilder();
        _process = Process.Start(start) ?? throw new InvalidOperationException($"{Command} did not start");
        _process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                lock (output)
                {
                    throw new InvalidOperationException($"s3rver exited with {_process.ExitCode}: {output}");
                }
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (SocketException) when (clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }

        Endpoint = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
    }

    private void Stop()
    {
        try
        {
            if (_process is { HasExited: false })
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        if (_directory is not null && Directory.Exists(_directory))
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        _process?.Dispose();
        _gate.Dispose();
        return ValueTask.CompletedTask;
    }
}
