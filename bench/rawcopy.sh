#!/usr/bin/env bash
# rawcopy.sh — the baseline d2sync's data sync is measured against: a raw
# copy of every aggregate data value (and complete registration) of a DHIS2
# instance into another with curl, one export and one import each, no
# chunking, no comparison, no verification. File and image values are left
# out (see below).
#
# Usage: bench/rawcopy.sh SOURCE_URL DEST_URL
# Environment: RAW_SOURCE_AUTH and RAW_DEST_AUTH as user:password (default
# admin:district, the emulator's). Needs curl and awk. Prints the timings on the
# last line: "rawcopy values=<s> registrations=<s> total=<s> bytes=<n>".
set -euo pipefail
SRC=${1:?source URL}
DST=${2:?destination URL}
SA=${RAW_SOURCE_AUTH:-admin:district}
DA=${RAW_DEST_AUTH:-admin:district}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

ids() { grep -o '"id":"[A-Za-z][A-Za-z0-9]\{10\}"' | cut -d'"' -f4; }
Q="children=true&startDate=1900-01-01&endDate=2099-12-31"
for ou in $(curl -gsf -u "$SA" "$SRC/api/organisationUnits?filter=level:eq:1&fields=id&paging=false" | ids); do Q="$Q&orgUnit=$ou"; done
RQ=$Q
for ds in $(curl -gsf -u "$SA" "$SRC/api/dataSets?fields=id&paging=false" | ids); do RQ="$RQ&dataSet=$ds"; done
# File and image values cannot travel in a raw copy (DHIS2 refuses a value
# whose file resource the destination lacks; d2sync uploads the files), so
# values are exported by data element (2.39+), file elements left out.
FILES=$(curl -gsf -u "$SA" "$SRC/api/dataElements?filter=valueType:in:[FILE_RESOURCE,IMAGE]&fields=id&paging=false" | ids || true)
if [ -n "$FILES" ]; then
  for de in $(curl -gsf -u "$SA" "$SRC/api/dataSets?fields=dataSetElements[dataElement[id]]&paging=false" | ids | sort -u | grep -v -x -F "$FILES"); do
    Q="$Q&dataElement=$de"
  done
else
  Q=$RQ
fi

now() { date +%s.%N; }
t0=$(now)
curl -gsf -u "$SA" -o "$TMP/values.json" "$SRC/api/dataValueSets?$Q"
curl -gsf -u "$DA" -H 'Content-Type: application/json' --data-binary @"$TMP/values.json" \
  -o "$TMP/values.out" "$DST/api/dataValueSets?importStrategy=CREATE_AND_UPDATE"
t1=$(now)
curl -gsf -u "$SA" -o "$TMP/regs.json" "$SRC/api/completeDataSetRegistrations?$RQ"
curl -gsf -u "$DA" -H 'Content-Type: application/json' --data-binary @"$TMP/regs.json" \
  -o "$TMP/regs.out" "$DST/api/completeDataSetRegistrations?importStrategy=CREATE_AND_UPDATE"
t2=$(now)
grep -o '"importCount":{[^}]*}' "$TMP/values.out" | head -1 || true
bytes=$(stat -c %s "$TMP/values.json")
awk -v a="$t0" -v b="$t1" -v c="$t2" -v n="$bytes" \
  'BEGIN { printf "rawcopy values=%.3f registrations=%.3f total=%.3f bytes=%d\n", b-a, c-b, c-a, n }'
