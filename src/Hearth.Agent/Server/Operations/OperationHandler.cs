using System.Text.Json;

namespace Hearth.Agent.Server.Operations;

/// <summary>
/// Carries out one operation on its own thread and returns its <c>result</c> (null for
/// <c>{}</c>), or throws <see cref="OperationException"/> for an <c>error</c>.
/// </summary>
internal delegate JsonElement? OperationHandler(OperationContext context);
