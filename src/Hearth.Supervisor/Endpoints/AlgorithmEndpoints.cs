using Hearth.Core.Algorithms;
using Hearth.Protocol.Rest;
using Hearth.Supervisor.Algorithms;
using Hearth.Supervisor.Auth;
using Hearth.Supervisor.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Hearth.Supervisor.Endpoints;

/// <summary>
/// <c>/v1/algorithms/{owner}/{name}</c>: push builds, publish versions, list them; and <c>/v1/builds/{hash}</c>, where
/// workers fetch build archives (the worker key only with a grant, see <see cref="BuildGrants"/>). Pushing and
/// publishing are for members of the owner (or an admin key).
/// </summary>
internal static class AlgorithmEndpoints
{
    public static IEndpointRouteBuilder MapAlgorithmEndpoints(this IEndpointRouteBuilder app)
    {
        var algorithms = app.MapGroup("/v1/algorithms/{owner}/{name}").RequireAuthorization(HearthAuth.ApiPolicy).WithTags("Algorithms");
        algorithms.MapPost("/builds", PushAsync).Accepts<Stream>("application/gzip")
            .WithSummary("Push a build: the body is the tar.gz of the build directory, hearth.json at its top; its hash is computed from the content, and ?hash=40HEX, if given, must match it; ?source=git|content");
        algorithms.MapPost("/versions", PublishAsync).WithSummary("Publish a build as a version, public or private; versions only increase");
        algorithms.MapGet("/versions", VersionsAsync).WithSummary("The algorithm's versions, and for members its builds");
        app.MapGet("/v1/builds/{hash}", Archive).RequireAuthorization(HearthAuth.WorkerPolicy).WithTags("Algorithms")
            .WithSummary("A build's archive: for an admin key, or a worker key with the grant for it in the Hearth-Build-Grant header");
        return app;
    }

    private static async Task<Results<Created<PushView>, Ok<PushView>, ProblemHttpResult>> PushAsync(
        string owner, string name, string? hash, string? source, HttpContext context, AlgorithmCatalog catalog, AccountService accounts)
    {
        var ct = context.RequestAborted;
        StagedBuild? staged = null;
        var stored = false;
        try
        {
            var algorithm = ParseName(owner, name);
            if (hash is not null && !BuildHash.IsValid(hash))
            {
                return Problems.BadRequest($"hash \"{hash}\" is not 40 hexadecimal digits; pass ?hash= with the build's content hash, or leave it out");
            }

            source ??= "content";
            if (source is not ("git" or "content"))
            {
                return Problems.BadRequest($"source \"{source}\" is not git or content");
            }

            await accounts.RequireAsync(algorithm.Owner, ct).ConfigureAwait(false);
            if (await AccountEndpoints.CallerAsync(context.User, accounts, ct).ConfigureAwait(false) is { } caller
                && AlgorithmRules.CheckManage(algorithm, caller, "push to") is { } refusal)
            {
                return AccountEndpoints.Problem(refusal);
            }

            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = BuildStore.MaxArchiveBytes;
            }

            staged = await catalog.Builds.StageAsync(context.Request.Body, ct).ConfigureAwait(false);
            // The content names the build; a client's hash is only checked against it, so none can claim another's.
            if (hash is not null && BuildHash.Normalize(hash) != staged.ContentHash)
            {
                return Problems.BadRequest(
                    $"hash {BuildHash.Normalize(hash)} does not match the build's content, whose hash is {staged.ContentHash}; nothing was stored");
            }

            var pushed = await catalog.PushAsync(algorithm, source, staged, ct).ConfigureAwait(false);
            stored = true;
            var view = new PushView(pushed.Hash, pushed.Algorithm.ToString(), pushed.Created, pushed.Source, pushed.Size);
            return pushed.Created ? TypedResults.Created($"/v1/algorithms/{owner}/{name}/versions", view) : TypedResults.Ok(view);
        }
        finally
        {
            // A push that did not store its build leaves no staged archive behind.
            if (staged is not null && !stored)
            {
                BuildStore.Discard(staged);
            }
        }
    }

    private static async Task<Results<Created<VersionView>, ProblemHttpResult>> PublishAsync(
        string owner, string name, PublishRequest? body, HttpContext context, AlgorithmCatalog catalog, AccountService accounts)
    {
        var ct = context.RequestAborted;
        var algorithm = ParseName(owner, name);
        if (body is null)
        {
            return Problems.BadRequest("the body must be {\"hash\": HASH, \"version\": \"X.Y.Z\", \"visibility\": \"public\" or \"private\"}");
        }

        if (!SemanticVersion.TryParse(body.Version, out var version, out var versionError))
        {
            return Problems.BadRequest(versionError!);
        }

        if (!BuildHash.IsValid(body.Hash))
        {
            return Problems.BadRequest($"hash \"{body.Hash}\" is not 40 hexadecimal digits");
        }

        Visibility visibility;
        switch (body.Visibility)
        {
            case "public":
                visibility = Visibility.Public;
                break;
            case "private":
                visibility = Visibility.Private;
                break;
            default:
                return Problems.BadRequest($"visibility \"{body.Visibility}\" is not public or private");
        }

        await accounts.RequireAsync(algorithm.Owner, ct).ConfigureAwait(false);
        if (await AccountEndpoints.CallerAsync(context.User, accounts, ct).ConfigureAwait(false) is { } caller
            && AlgorithmRules.CheckManage(algorithm, caller, "publish") is { } refusal)
        {
            return AccountEndpoints.Problem(refusal);
        }

        var published = await catalog.PublishAsync(algorithm, BuildHash.Normalize(body.Hash!), version, visibility, ct).ConfigureAwait(false);
        return TypedResults.Created($"/v1/algo/{owner}/{name}/{published.Version}",
            new VersionView(published.Version.ToString(), published.Hash, AlgorithmCatalog.VisibilityName(published.Visibility), published.PublishedAt));
    }

    private static async Task<Results<Ok<AlgorithmVersionsView>, ProblemHttpResult>> VersionsAsync(
        string owner, string name, HttpContext context, AlgorithmCatalog catalog, AccountService accounts)
    {
        var ct = context.RequestAborted;
        var algorithm = ParseName(owner, name);
        var entry = await catalog.RequireAsync(algorithm, ct).ConfigureAwait(false);
        var caller = await AccountEndpoints.CallerAsync(context.User, accounts, ct).ConfigureAwait(false);
        var member = caller is null || caller.IsMemberOf(owner);
        var versions = entry.Entry.Versions
            .Where(v => member || v.Visibility == Visibility.Public)
            .OrderBy(v => v.Version)
            .Select(v => new VersionView(v.Version.ToString(), v.Hash, AlgorithmCatalog.VisibilityName(v.Visibility), v.PublishedAt))
            .ToList();
        var builds = member
            ? entry.Builds.Values.OrderBy(b => b.PushedAt).Select(b => new BuildView(b.Hash, b.HashSource, b.PushedAt, b.ArchiveSize,
                [.. versions.Where(v => v.Hash == b.Hash).Select(v => v.Version)])).ToList()
            : [];
        return TypedResults.Ok(new AlgorithmVersionsView(algorithm.ToString(), versions, builds));
    }

    private static Results<FileStreamHttpResult, ProblemHttpResult> Archive(string hash, HttpContext context, AlgorithmCatalog catalog, BuildGrants grants)
    {
        if (!BuildHash.IsValid(hash))
        {
            return Problems.BadRequest($"hash \"{hash}\" is not 40 hexadecimal digits");
        }

        // An admin may fetch any build; the worker key only the one a worker was just asked to start.
        if (!context.User.IsInRole(KeyRoles.Admin) && !grants.Allows(context.Request.Headers[BuildGrants.Header].ToString(), hash))
        {
            return TypedResults.Problem(
                $"a worker key may fetch only the build of an instance its worker is asked to start, with the grant sent for it in the {BuildGrants.Header} header; there is no such grant for build {hash}",
                statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
        }

        return catalog.Builds.Contains(hash)
            ? TypedResults.File(catalog.Builds.Open(hash), "application/gzip", $"{BuildHash.Normalize(hash)}.tar.gz")
            : Problems.NotFound($"build {hash} is not in the build store");
    }

    private static AlgorithmName ParseName(string owner, string name) =>
        AlgorithmName.TryParse($"{owner}/{name}", out var algorithm, out var error)
            ? algorithm
            : throw new RefusedException(Refusal.Invalid(error!));
}
