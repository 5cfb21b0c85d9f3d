#!/bin/sh
# gen-embedded.sh FILE... - emit assembly that embeds the default rules and
# pinned certificates into the binary, with a table the program walks
# (struct embedded_file in src/core/embedded.h).
set -eu
echo '	.section .rodata'
i=0
for f in "$@"; do
	echo "	.balign 8"
	echo "kd_emb_name_$i: .asciz \"$(basename "$f")\""
	echo "kd_emb_data_$i: .incbin \"$f\""
	echo "kd_emb_end_$i:"
	i=$((i + 1))
done
echo '	.section .data.rel.ro'
echo '	.balign 8'
echo '	.globl kd_embedded_files'
echo 'kd_embedded_files:'
j=0
while [ $j -lt $i ]; do
	echo "	.quad kd_emb_name_$j, kd_emb_data_$j, kd_emb_end_$j - kd_emb_data_$j"
	j=$((j + 1))
done
echo '	.quad 0, 0, 0'
echo '	.section .note.GNU-stack,"",@progbits'
