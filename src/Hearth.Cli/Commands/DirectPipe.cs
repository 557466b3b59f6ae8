using System.Diagnostics;
using System.Text;
using Hearth.Cli.Client;
using Hearth.Core.Algorithms;
using Hearth.Worker.Algorithms;

namespace Hearth.Cli.Commands;

/// <summary>
/// The benchmark's floor: the echo program started by hand with a FIFO as <c>ALGOOUT</c>, and driven by one thread per
/// process that writes a request line and blocks reading the response line. Nothing else sits in between.
/// </summary>
internal static class DirectPipe
{
    public static async Task<Measurement> MeasureAsync(string echo, string scratch, int concurrency, TimeSpan duration)
    {
        var manifest = AlgorithmManifest.Parse(await File.ReadAllTextAsync(Path.Combine(echo, AlgorithmManifest.FileName)).ConfigureAwait(false));
        if (manifest.Build is { } build)
        {
            echo = await BuildAsync(echo, build, Path.Combine(scratch, "build")).ConfigureAwait(false);
        }

        var drivers = new List<Driver>();
        try
        {
            for (var i = 0; i < concurrency; i++)
            {
                drivers.Add(Driver.Start(echo, manifest.Entrypoint, Path.Combine(scratch, $"p{i}")));
            }

            var request = PipeProtocol.EncodeRequest(PayloadType.Json, Encoding.UTF8.GetBytes("{\"n\":1}"));
            Run(drivers, request, TimeSpan.FromSeconds(Math.Min(2, duration.TotalSeconds)));
            var started = Stopwatch.GetTimestamp();
            var latencies = Run(drivers, request, duration);
            return Measurement.Of(latencies, Stopwatch.GetElapsedTime(started));
        }
        finally
        {
            foreach (var driver in drivers)
            {
                driver.Dispose();
            }
        }
    }

    /// <summary>Runs the algorithm's build step in a copy of its directory, as a worker would, and returns the copy.</summary>
    private static async Task<string> BuildAsync(string source, IReadOnlyList<string> build, string directory)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(directory, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        var start = new ProcessStartInfo(build[0]) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in build.Skip(1))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new CliException($"the build step {string.Join(' ', build)} of the direct-pipe copy exited with code {process.ExitCode}: "
                + $"{(await errors.ConfigureAwait(false)).Trim()} {(await output.ConfigureAwait(false)).Trim()}");
        }

        return directory;
    }

    private static List<double> Run(List<Driver> drivers, byte[] request, TimeSpan duration)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var results = new List<double>[drivers.Count];
        var threads = drivers.Select((d, i) => new Thread(() => results[i] = d.Loop(request, end)) { IsBackground = true }).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        return [.. results.SelectMany(r => r)];
    }

    private sealed class Driver : IDisposable
    {
        private readonly Process _process;
        private readonly Stream _stdin;
        private readonly FileStream _fifo;
        private readonly string _path;
        private readonly byte[] _buffer = new byte[64 * 1024];

        private Driver(Process process, FileStream fifo, string path)
        {
            _process = process;
            _stdin = process.StandardInput.BaseStream;
            _fifo = fifo;
            _path = path;
        }

        public static Driver Start(string directory, IReadOnlyList<string> entrypoint, string runDirectory)
        {
            var path = Fifo.PathFor(runDirectory, "direct");
            Fifo.Create(path);
            var fifo = Fifo.OpenReader(path);
            var start = new ProcessStartInfo(entrypoint[0])
            {
                WorkingDirectory = directory,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            foreach (var arg in entrypoint.Skip(1))
            {
                start.ArgumentList.Add(arg);
            }

            start.Environment[PipeProtocol.OutputVariable] = path;
            var process = Process.Start(start)!;
            while (process.StandardOutput.ReadLine() is { } line && line.Trim() != PipeProtocol.InitComplete)
            {
            }

            return new Driver(process, fifo, path);
        }

        public List<double> Loop(byte[] request, long end)
        {
            var latencies = new List<double>(200_000);
            while (Stopwatch.GetTimestamp() < end)
            {
                var started = Stopwatch.GetTimestamp();
                _stdin.Write(request);
                _stdin.Flush();
                ReadLine();
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            return latencies;
        }

        private void ReadLine()
        {
            var filled = 0;
            while (true)
            {
                var read = _fifo.Read(_buffer, filled, _buffer.Length - filled);
                if (read <= 0)
                {
                    throw new IOException("the echo process closed its output pipe");
                }

                filled += read;
                if (Array.IndexOf(_buffer, (byte)'\n', 0, filled) >= 0)
                {
                    return;
                }
            }
        }

        public void Dispose()
        {
            try
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            _process.Dispose();
            _fifo.Dispose();
            File.Delete(_path);
        }
    }
}
