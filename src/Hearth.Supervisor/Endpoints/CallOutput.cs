using Hearth.Core.Algorithms;
using Hearth.Supervisor.Algorithms;
using Hearth.Supervisor.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Hearth.Supervisor.Endpoints;

/// <summary>How a call's result is given: the JSON reply, the bare result, or nothing but a request ID.</summary>
internal enum CallOutput
{
    Default,
    Raw,
    Void,
}
