#!/usr/bin/env bash
# The README's first command. On a Debian 12 machine, as root: installs what is missing, builds
# Hearth into /opt/hearth, starts hearthd on its defaults (data in /var/lib/hearth, API on
# 127.0.0.1:7070), waits until the busybox and debian-12 images are built (the use cases' images
# go on building in the background), and prints the admin credentials the first time. Run it again to upgrade and restart; the data stays.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="${HEARTH_PREFIX:-/opt/hearth}"
data_dir="${HEARTH_DATA_DIR:-/var/lib/hearth}"
api="${HEARTH_API_LISTEN:-127.0.0.1:7070}"
log_dir=/var/log/hearth
pid_file=/run/hearth/hearthd.pid

"$repo/scripts/setup-host.sh"
OUT="$prefix/bin" "$repo/scripts/publish.sh"
ln -sf "$prefix/bin/hearth" /usr/local/bin/hearth
ln -sf "$prefix/bin/hearthd" /usr/local/bin/hearthd

mkdir -p "$log_dir" "$(dirname "$pid_file")"
if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
  old=$(cat "$pid_file")
  echo "install: stopping the running hearthd ($old)"
  kill -TERM "$old"
  for _ in $(seq 100); do kill -0 "$old" 2>/dev/null || break; sleep 0.1; done
fi

# The settings file (hearthd reads /etc/hearth/hearth.json): made once, never overwritten. The
# use cases ask for python-3.12, which no registry here provides; this install maps it to 3.13.
settings=/etc/hearth/hearth.json
if [ ! -f "$settings" ]; then
  mkdir -p "$(dirname "$settings")"
  echo '{ "image_aliases": "python-3.12=python-3.13" }' >"$settings"
  echo "install: wrote $settings (image_aliases python-3.12=python-3.13)"
fi

first_start=false
[ -f "$data_dir/admin-credentials.json" ] || first_start=true
echo "install: starting hearthd (log: $log_dir/hearthd.log)"
nohup "$prefix/bin/hearthd" --data-dir "$data_dir" --api-listen "$api" >>"$log_dir/hearthd.log" 2>&1 </dev/null &
echo $! >"$pid_file"

for i in $(seq 300); do
  curl -fsS "http://$api/health" >/dev/null 2>&1 && break
  if ! kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    echo "install: hearthd exited; the end of its log:" >&2
    tail -n 30 "$log_dir/hearthd.log" >&2
    exit 1
  fi
  [ "$i" = 300 ] && { echo "install: hearthd did not answer /health within 30 s" >&2; exit 1; }
  sleep 0.1
done
echo "install: hearthd is up on http://$api (pid $(cat "$pid_file"))"

creds="$data_dir/admin-credentials.json"
id=$(jq -r .client_id "$creds")
secret=$(jq -r .client_secret "$creds")
# Image builds run inside hearthd; show their progress until both images are ready.
seen=$(wc -l <"$log_dir/hearthd.log")
for _ in $(seq 1800); do
  images=$(curl -fsS "http://$api/workspace/images" -H "X-Client-ID: $id" -H "X-Client-Secret: $secret")
  tail -n +"$((seen + 1))" "$log_dir/hearthd.log" | grep -E "image [a-z0-9-]+" | sed 's/^/  /' || true
  seen=$(wc -l <"$log_dir/hearthd.log")
  pending=$(echo "$images" | jq -r '[.images[] | select(.id == "busybox" or .id == "debian-12") | select(.status != "ready")] | length')
  failed=$(echo "$images" | jq -r '[.images[] | select(.status == "failed") | "\(.id): \(.error)"] | join("; ")')
  if [ -n "$failed" ]; then echo "install: image build failed: $failed" >&2; exit 1; fi
  [ "$pending" = 0 ] && break
  sleep 1
done
echo "install: images ready: $(echo "$images" | jq -r '[.images[] | select(.status == "ready") | .id] | join(", ")')"

if $first_start; then
  cat <<MSG

Admin API key (shown once; kept in $creds, mode 0600):
  client_id:     $id
  client_secret: $secret

Create a workspace:
  curl -s http://$api/workspace -H 'Content-Type: application/json' \\
    -H 'X-Client-ID: $id' -H 'X-Client-Secret: $secret' -d '{"image": "busybox"}'
  hearth ws create --image busybox
MSG
else
  echo "install: admin credentials are in $creds"
fi
