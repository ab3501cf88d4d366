using System.Text.Json;

namespace Hearth.Agent.Workloads;

/// <summary>
/// The workload definitions on the workspace's disk, one JSON file each
/// (<c>/var/lib/hearth/workloads/&lt;id&gt;.json</c>). A file is written to a temporary name,
/// fsynced and renamed, so a crash leaves the old definition or the new one, never half of one.
/// </summary>
internal sealed class WorkloadStore(string directory)
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Every definition that can be read; a file that cannot is reported through <paramref name="problem"/> and left alone.</summary>
    public List<StoredWorkload> Load(Action<string> problem)
    {
        var loaded = new List<StoredWorkload>();
        if (!Directory.Exists(directory)) return loaded;
        foreach (var path in Directory.EnumerateFiles(directory, "*.json"))
        {
            try
            {
                var stored = JsonSerializer.Deserialize(File.ReadAllBytes(path), StoredWorkloadJsonContext.Default.StoredWorkload);
                if (stored?.Spec.Id == Path.GetFileNameWithoutExtension(path)) loaded.Add(stored);
                else problem($"{path}: not a workload definition of this name; ignored");
            }
            catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
            {
                problem($"{path}: {e.Message}; ignored");
            }
        }

        loaded.Sort((a, b) => a.CreatedAt.CompareTo(b.CreatedAt));
        return loaded;
    }

    /// <summary>Writes <paramref name="stored"/> durably; throws IOException when the disk refuses.</summary>
    public void Save(StoredWorkload stored)
    {
        Directory.CreateDirectory(directory, OwnerOnly);
        var path = PathOf(stored.Spec.Id!);
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            JsonSerializer.Serialize(file, stored, StoredWorkloadJsonContext.Default.StoredWorkload);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    public void Delete(string id) => File.Delete(PathOf(id));

    private string PathOf(string id) => Path.Combine(directory, id + ".json");
}
