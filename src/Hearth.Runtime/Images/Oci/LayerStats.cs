namespace Hearth.Runtime.Images.Oci;

/// <summary>What one layer extraction wrote: entries other than directories, and regular-file bytes.</summary>
internal sealed record LayerStats(long Files, long Bytes);
