using System.CommandLine;
using System.Globalization;
using Hearth.Cli.Client;
using Hearth.Core.Algorithms;
using Hearth.Protocol.Rest;
using Hearth.Worker.Builds;
using Spectre.Console;

namespace Hearth.Cli.Commands;

/// <summary><c>algo push</c>, <c>algo publish</c> and <c>algo versions</c>: builds and versions of algorithms.</summary>
internal static class AlgoCommands
{
    public static Command Create() => new("algo", "Algorithms: push builds, publish versions") { Push(), Publish(), Versions() };

    private static Option<bool> JsonOption() => new("--json") { Description = "Print JSON" };

    private static Command Push()
    {
        var dir = new Argument<string>("dir") { Description = "The algorithm's directory, holding hearth.json" };
        var name = new Option<string>("--as") { Description = "OWNER/NAME to push it as", Required = true };
        var json = JsonOption();
        var push = new Command("push", "Build (the manifest's build command) and store an immutable build; prints its hash") { dir, name, json };
        push.SetAction((result, cancellation) => ClientCommand.RunAsync(async client =>
        {
            if (!AlgorithmName.TryParse(result.GetValue(name), out var algorithm, out var error))
            {
                return Output.Error($"--as: {error}", ExitCodes.InvalidInput);
            }

            var directory = result.GetValue(dir)!;
            var archive = Path.Combine(Path.GetTempPath(), $"hearth-push-{Guid.NewGuid():N}.tar.gz");
            try
            {
                var progress = TerminalProgress.For(result.GetValue(json));
                PackagedBuild build;
                try
                {
                    build = await PackageAsync(directory, archive, progress, cancellation).ConfigureAwait(false);
                }
                catch (BuildException e)
                {
                    return Output.Error(e.Message, ExitCodes.InvalidInput);
                }

                var source = build.Source == HashSource.Git ? "git" : "content";
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"hearth: uploading build {build.Hash} ({source} hash, {build.Archive.Size / (1024.0 * 1024.0):F1} MiB)"));
                var path = $"/v1/algorithms/{algorithm.Owner}/{algorithm.Name}/builds?hash={build.Hash}&source={source}";
                PushView pushed;
                await using (var stream = File.OpenRead(archive))
                {
                    pushed = progress is null
                        ? await client.UploadAsync<PushView>(path, stream, "application/gzip", cancellation).ConfigureAwait(false)
                        : await TerminalProgress.Transfer(progress).StartAsync(async context =>
                        {
                            var upload = context.AddTask("uploading", maxValue: stream.Length);
                            await using var counted = new CountingStream(stream, sent => upload.Value = sent);
                            return await client.UploadAsync<PushView>(path, counted, "application/gzip", cancellation).ConfigureAwait(false);
                        }).ConfigureAwait(false);
                }

                if (result.GetValue(json))
                {
                    Output.WriteJson(new { pushed.Hash, pushed.Algorithm, pushed.Created, pushed.Source, pushed.Size });
                }
                else
                {
                    Console.Out.WriteLine(pushed.Hash);
                    Console.Error.WriteLine($"hearth: {(pushed.Created ? "stored" : "already stored")} {pushed.Algorithm} build {pushed.Hash}");
                }

                return ExitCodes.Ok;
            }
            finally
            {
                File.Delete(archive);
            }
        }));
        return push;
    }

    /// <summary>
    /// Runs the manifest's build step and packs the build. At a terminal a spinner says which step runs, with the build's
    /// output scrolling above it; otherwise the output goes to stderr line by line, as it always did.
    /// </summary>
    private static Task<PackagedBuild> PackageAsync(string directory, string archive, IAnsiConsole? progress, CancellationToken cancellation) =>
        progress is null
            ? BuildPackager.PackageAsync(directory, archive, line => Console.Error.WriteLine($"hearth: {line}"), cancellation)
            : progress.Status().Spinner(Spinner.Known.Dots).StartAsync("building and packing", context =>
                BuildPackager.PackageAsync(directory, archive, line =>
                {
                    progress.WriteLine($"hearth: {line}");
                    context.Status($"building: {Markup.Escape(line.Length > 60 ? line[..60] + "…" : line)}");
                }, cancellation));

    private static Command Publish()
    {
        var name = new Argument<string>("algorithm") { Description = "OWNER/NAME" };
        var hash = new Option<string>("--hash") { Description = "The build to publish", Required = true };
        var version = new Option<string>("--version") { Description = "MAJOR.MINOR.PATCH, higher than every version before", Required = true };
        var isPublic = new Option<bool>("--public") { Description = "Callable with any valid key" };
        var isPrivate = new Option<bool>("--private") { Description = "Callable by members of the owner only" };
        var json = JsonOption();
        var publish = new Command("publish", "Give a build a version, public or private") { name, hash, version, isPublic, isPrivate, json };
        publish.SetAction((result, cancellation) => ClientCommand.RunAsync(async client =>
        {
            if (!AlgorithmName.TryParse(result.GetValue(name), out var algorithm, out var error))
            {
                return Output.Error(error!, ExitCodes.InvalidInput);
            }

            if (result.GetValue(isPublic) == result.GetValue(isPrivate))
            {
                return Output.Error("give exactly one of --public or --private", ExitCodes.InvalidInput);
            }

            if (!SemanticVersion.TryParse(result.GetValue(version), out var parsed, out var versionError))
            {
                return Output.Error($"--version: {versionError}", ExitCodes.InvalidInput);
            }

            if (!BuildHash.IsValid(result.GetValue(hash)))
            {
                return Output.Error($"--hash \"{result.GetValue(hash)}\" is not 40 hexadecimal digits", ExitCodes.InvalidInput);
            }

            var visibility = result.GetValue(isPublic) ? "public" : "private";
            var published = await client.PostAsync<VersionView>($"/v1/algorithms/{algorithm.Owner}/{algorithm.Name}/versions",
                new PublishRequest(result.GetValue(hash), parsed.ToString(), visibility), cancellation).ConfigureAwait(false);
            if (result.GetValue(json))
            {
                Output.WriteJson(published);
            }
            else
            {
                Console.Out.WriteLine($"published {algorithm} {published.Version} ({published.Visibility}) = build {published.Hash}");
            }

            return ExitCodes.Ok;
        }));
        return publish;
    }

    private static Command Versions()
    {
        var name = new Argument<string>("algorithm") { Description = "OWNER/NAME" };
        var json = JsonOption();
        var versions = new Command("versions", "List an algorithm's versions and (for members) its builds") { name, json };
        versions.SetAction((result, cancellation) => ClientCommand.RunAsync(async client =>
        {
            if (!AlgorithmName.TryParse(result.GetValue(name), out var algorithm, out var error))
            {
                return Output.Error(error!, ExitCodes.InvalidInput);
            }

            var view = await client.GetAsync<AlgorithmVersionsView>($"/v1/algorithms/{algorithm.Owner}/{algorithm.Name}/versions", cancellation).ConfigureAwait(false);
            if (result.GetValue(json))
            {
                Output.WriteJson(view);
                return ExitCodes.Ok;
            }

            Console.Out.WriteLine($"{"VERSION",-12} {"VISIBILITY",-10} {"HASH",-40}  PUBLISHED");
            foreach (var v in view.Versions.Reverse())
            {
                Console.Out.WriteLine($"{v.Version,-12} {v.Visibility,-10} {v.Hash}  {v.PublishedAt:u}");
            }

            foreach (var b in view.Builds.Where(b => b.Versions.Count == 0).Reverse())
            {
                Console.Out.WriteLine($"{"-",-12} {"unpublished",-10} {b.Hash}  pushed {b.PushedAt:u}");
            }

            return ExitCodes.Ok;
        }));
        return versions;
    }
}
