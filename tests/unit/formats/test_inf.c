// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_inf.c - Windows INF files as data: a file-system filter package's INF
 * in UTF-16LE (made by iconv at test time, as Windows' own tools write them),
 * UTF-8 and Windows-1252, and hostile text: unterminated quotes, huge lines,
 * missing sections, strings that name each other, caps.
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "toolfix.h"
#include "formats/inf.h"
#include "core/util.h"

/* The shape of a minifilter package's INF (as the WDK's sample filter INFs are laid out). */
static const char filter_inf[] =
	";;;\r\n"
	";;; Example minifilter package ; not a real driver\r\n"
	";;;\r\n"
	"\r\n"
	"[Version]\r\n"
	"Signature   = \"$WINDOWS NT$\"\r\n"
	"Class       = \"ActivityMonitor\"   ; the class the altitude is in\r\n"
	"ClassGuid   = {b86dff51-a31e-4bac-b3cf-e8cfe75c9fc2}\r\n"
	"Provider    = %ManufacturerName%\r\n"
	"DriverVer   = 03/14/2024,21.17.7.539\r\n"
	"CatalogFile = fsmon.cat\r\n"
	"CatalogFile.NTamd64 = fsmon64.cat\r\n"
	"PnpLockdown = 1\r\n"
	"\r\n"
	"[DestinationDirs]\r\n"
	"DefaultDestDir          = 12\r\n"
	"MiniFilter.DriverFiles  = 12            ;%windir%\\system32\\drivers\r\n"
	"\r\n"
	"[DefaultInstall.NTamd64]\r\n"
	"OptionDesc          = %ServiceDescription%\r\n"
	"CopyFiles           = MiniFilter.DriverFiles, @fsmonctl.dll\r\n"
	"\r\n"
	"[DefaultInstall.NTamd64.Services]\r\n"
	"AddService          = %ServiceName%,,MiniFilter.Service\r\n"
	"\r\n"
	"[defaultinstall.ntamd64.services]\r\n"
	"; the same section in another case: one section\r\n"
	"AddService          = %ServiceName%,,MiniFilter.Service\r\n"
	"\r\n"
	"[MiniFilter.Service]\r\n"
	"DisplayName      = %ServiceName%\r\n"
	"Description      = %ServiceDescription%\r\n"
	"ServiceBinary    = %12%\\%DriverName%.sys        ;%windir%\\system32\\drivers\\\r\n"
	"Dependencies     = \"FltMgr\"\r\n"
	"ServiceType      = 2                            ;SERVICE_FILE_SYSTEM_DRIVER\r\n"
	"StartType        = 0                            ;SERVICE_BOOT_START\r\n"
	"ErrorControl     = 1                            ;SERVICE_ERROR_NORMAL\r\n"
	"LoadOrderGroup   = \"FSFilter Activity Monitor\"\r\n"
	"AddReg           = MiniFilter.AddRegistry\r\n"
	"\r\n"
	"[MiniFilter.AddRegistry]\r\n"
	"HKR,,\"DebugFlags\",0x00010001 ,0x0\r\n"
	"HKR,\"Instances\",\"DefaultInstance\",0x00000000,%DefaultInstance%\r\n"
	"HKR,\"Instances\\\"%Instance1.Name%,\"Altitude\",0x00000000,%Instance1.Altitude%\r\n"
	"\r\n"
	"[MiniFilter.DriverFiles]\r\n"
	"%DriverName%.sys\r\n"
	"\r\n"
	"[SourceDisksFiles]\r\n"
	"fsmon.sys = 1,,\r\n"
	"\r\n"
	"[SourceDisksFiles.amd64]\r\n"
	"FSMON.SYS = 1,,\r\n"
	"fsmonctl.dll = 1\r\n"
	"\r\n"
	"[SourceDisksNames]\r\n"
	"1 = %DiskId1%,,,\r\n"
	"\r\n"
	"[Strings.0419]\r\n"
	"ManufacturerName        = \"АО «Лаборатория Касперского»\"\r\n"
	"ServiceDescription      = \"Монитор файловой системы\"\r\n"
	"\r\n"
	"[Strings]\r\n"
	"ManufacturerName        = \"Example Industrial Controls Ltd\"\r\n"
	"ServiceDescription      = \"Example file system monitor; \"\"quoted\"\" part\"\r\n"
	"ServiceName             = \"fsmon\"\r\n"
	"DriverName              = \"fsmon\"\r\n"
	"DiskId1                 = \"Example Installation Disk\"\r\n"
	"DefaultInstance         = \"FsMon Instance\"\r\n"
	"Instance1.Name          = \"FsMon Instance\"\r\n"
	"Instance1.Altitude      = \"370020\"\r\n";

static void check_filter(const struct inf_info *inf)
{
	assert_string_equal(inf->signature, "$WINDOWS NT$");
	assert_string_equal(inf->provider, "Example Industrial Controls Ltd");
	assert_string_equal(inf->class_name, "ActivityMonitor");
	assert_string_equal(inf->class_guid, "{b86dff51-a31e-4bac-b3cf-e8cfe75c9fc2}");
	assert_string_equal(inf->driver_date, "03/14/2024");
	assert_string_equal(inf->driver_version, "21.17.7.539");
	assert_int_equal(inf->catalogs.n, 2);
	assert_string_equal(inf->catalogs.v[0].key, "CatalogFile");
	assert_string_equal(inf->catalogs.v[0].value, "fsmon.cat");
	assert_string_equal(inf->catalogs.v[1].key, "CatalogFile.NTamd64");
	assert_string_equal(inf->catalogs.v[1].value, "fsmon64.cat");
	/* SourceDisksFiles keys and the CopyFiles lists, each file once in any case */
	assert_int_equal(inf->files.n, 2);
	assert_string_equal(inf->files.v[0], "fsmon.sys");
	assert_string_equal(inf->files.v[1], "fsmonctl.dll");
	assert_true(inf_lists_file(inf, "FsMon.sys"));
	assert_false(inf_lists_file(inf, "other.sys"));
	/* the two AddService lines of the merged section: one service */
	assert_int_equal(inf->nservices, 1);
	assert_string_equal(inf->services[0].name, "fsmon");
	assert_null(inf->services[0].flags);
	assert_string_equal(inf->services[0].section, "MiniFilter.Service");
	assert_string_equal(inf->services[0].binary, "%12%\\fsmon.sys");
	assert_string_equal(inf->services[0].service_type, "2");
	assert_string_equal(inf->services[0].start_type, "0");
	assert_string_equal(inf->services[0].error_control, "1");
	assert_string_equal(inf->services[0].load_order_group, "FSFilter Activity Monitor");
	assert_string_equal(inf->services[0].display_name, "fsmon");
	assert_int_equal(inf_service_for(inf, "FSMON.SYS", 0), 0);
	assert_int_equal(inf_service_for(inf, "FSMON.SYS", 1), -1);
	assert_int_equal(inf_service_for(inf, "fsmonctl.dll", 0), -1);
	assert_int_equal(inf->skipped, 0);
	assert_int_equal(inf->unterminated, 0);
	assert_int_equal(inf->unresolved, 0);
	assert_false(inf->truncated);
}

static void test_utf8(void **state)
{
	struct inf_info inf;
	const char *why;

	UNIT_UNUSED(state);
	assert_int_equal(inf_parse((const uint8_t *)filter_inf, sizeof(filter_inf) - 1, &inf, &why), 0);
	assert_string_equal(inf.encoding, "utf-8");
	check_filter(&inf);
	inf_free(&inf);
}

/* UTF-16LE with a BOM, as most INFs in a driver store are: iconv writes it. */
static void test_utf16le(void **state)
{
	struct inf_info inf;
	const char *why;
	size_t n;
	uint8_t *u = tool_run("printf '\\377\\376'; iconv -f UTF-8 -t UTF-16LE",
			      (const uint8_t *)filter_inf, sizeof(filter_inf) - 1, &n);

	UNIT_UNUSED(state);
	assert_true(n > 2 * (sizeof(filter_inf) - 1) / 2);
	assert_int_equal(u[0], 0xff);
	assert_int_equal(u[1], 0xfe);
	assert_int_equal(inf_parse(u, n, &inf, &why), 0);
	assert_string_equal(inf.encoding, "utf-16le");
	check_filter(&inf);
	inf_free(&inf);
	free(u);

	/* without the BOM, and big-endian with one */
	u = tool_run("iconv -f UTF-8 -t UTF-16LE", (const uint8_t *)filter_inf,
		     sizeof(filter_inf) - 1, &n);
	assert_int_equal(inf_parse(u, n, &inf, &why), 0);
	assert_string_equal(inf.encoding, "utf-16le");
	check_filter(&inf);
	inf_free(&inf);
	free(u);
	u = tool_run("printf '\\376\\377'; iconv -f UTF-8 -t UTF-16BE", (const uint8_t *)filter_inf,
		     sizeof(filter_inf) - 1, &n);
	assert_int_equal(inf_parse(u, n, &inf, &why), 0);
	assert_string_equal(inf.encoding, "utf-16be");
	check_filter(&inf);
	inf_free(&inf);
	free(u);
}

/* The Russian legal name in a provider: UTF-16LE keeps it, and it comes out as UTF-8. */
static void test_localized(void **state)
{
	static const char text[] =
		"\xef\xbb\xbf[Version]\nSignature=\"$Windows NT$\"\nProvider=%KL%\nClass=%Cls%\n"
		"[Strings.0419]\nKL=\"АО «Лаборатория Касперского»\"\nCls=\"Первый\"\n"
		"[Strings.0409]\nCls=English\n";
	struct inf_info inf;
	const char *why;
	size_t n;
	uint8_t *u = tool_run("printf '\\377\\376'; iconv -f UTF-8 -t UTF-16LE",
			      (const uint8_t *)text + 3, sizeof(text) - 4, &n);

	UNIT_UNUSED(state);
	/* no [Strings]: [Strings.0409] first, then the others */
	assert_int_equal(inf_parse((const uint8_t *)text, sizeof(text) - 1, &inf, &why), 0);
	assert_string_equal(inf.encoding, "utf-8");
	assert_string_equal(inf.provider, "АО «Лаборатория Касперского»");
	assert_string_equal(inf.class_name, "English");
	inf_free(&inf);
	assert_int_equal(inf_parse(u, n, &inf, &why), 0);
	assert_string_equal(inf.provider, "АО «Лаборатория Касперского»");
	inf_free(&inf);
	free(u);
}

/* An INF with no BOM and bytes that are not UTF-8 is in the ANSI code page: Windows-1252. */
static void test_ansi(void **state)
{
	static const char text[] = "[Version]\r\nProvider=%P%\r\nClass=Net\r\n"
				   "[Strings]\r\nP=\"Société Générale d’Automatisme – €\"\r\n";
	struct inf_info inf;
	const char *why;
	size_t n;
	uint8_t *a = tool_run("iconv -f UTF-8 -t WINDOWS-1252", (const uint8_t *)text,
			      sizeof(text) - 1, &n);

	UNIT_UNUSED(state);
	assert_true(n < sizeof(text) - 1);	/* one byte for each of é ’ – € */
	assert_int_equal(inf_parse(a, n, &inf, &why), 0);
	assert_string_equal(inf.encoding, "windows-1252");
	assert_string_equal(inf.provider, "Société Générale d’Automatisme – €");
	assert_string_equal(inf.class_name, "Net");
	inf_free(&inf);
	free(a);
}

static void test_syntax(void **state)
{
	static const char text[] =
		"Provider = before any section\n"
		"[ Version ]  trailing text\n"
		"Provider = \"A;B\" ; a comment after a quoted semicolon\n"
		"Class = Multi \\\n"
		"        Line\\\n"
		"  Value\n"
		"DriverVer = \"01/02/2023\" , \"1.2.3.4\"\n"
		"Signature = \"100%% sure\"\n"
		"CatalogFile.NTx86 = \"x86.cat\"\n"
		"CatalogFileX = not.a.catalog\n"
		"ClassGuid = \"ends in backslash\\\"\n"
		"[Install]\n"
		"AddService = svc, 0x00000002, Svc_Inst\n"
		"AddService = svc, 0x00000002, Svc_Inst\n"
		"AddService = other, , Missing_Section\n"
		"AddService = , , Svc_Inst\n"
		"[Svc_Inst]\n"
		"ServiceBinary = %13%/svc.sys\n"
		"DisplayName = %Unknown%\n";
	struct inf_info inf;
	const char *why;

	UNIT_UNUSED(state);
	assert_int_equal(inf_parse((const uint8_t *)text, sizeof(text) - 1, &inf, &why), 0);
	assert_string_equal(inf.provider, "A;B");
	/* joined as written: the blanks before a continued line stay */
	assert_string_equal(inf.class_name, "Multi         Line  Value");
	assert_string_equal(inf.driver_date, "01/02/2023");
	assert_string_equal(inf.driver_version, "1.2.3.4");
	assert_string_equal(inf.signature, "100% sure");
	assert_string_equal(inf.class_guid, "ends in backslash\\");
	assert_int_equal(inf.catalogs.n, 1);
	assert_string_equal(inf.catalogs.v[0].value, "x86.cat");
	assert_int_equal(inf.nservices, 2);
	assert_string_equal(inf.services[0].flags, "0x00000002");
	assert_string_equal(inf.services[0].binary, "%13%/svc.sys");
	assert_string_equal(inf.services[0].display_name, "%Unknown%");
	assert_null(inf.services[1].binary);
	assert_int_equal(inf_service_for(&inf, "svc.sys", 0), 0);
	assert_int_equal(inf.unresolved, 1);	/* %Unknown%; %13% is a DIRID */
	assert_int_equal(inf.sections, 3);
	inf_free(&inf);
}

static void test_hostile(void **state)
{
	static const char loop[] =
		"[Version]\nProvider=%a%\nClass=%b%\nClassGuid=%%a%%\nSignature=%unclosed\n"
		"[Strings]\na=\"%b%\"\nb=\"%a%\"\n";
	static const char quotes[] =
		"[Version]\nProvider=\"never closed\nClass = \"x\n[Strings\nProvider=in a broken section\n"
		"[SourceDisksFiles]\n\"a.sys\n";
	static const char nul[] = "[Version]\nProvider=a\0b\nClass=c\n";
	struct inf_info inf;
	const char *why;
	size_t big = 1u << 20;
	char *p;

	UNIT_UNUSED(state);
	/* a [Strings] value is not expanded again: %a% -> "%b%" and no further */
	assert_int_equal(inf_parse((const uint8_t *)loop, sizeof(loop) - 1, &inf, &why), 0);
	assert_string_equal(inf.provider, "%b%");
	assert_string_equal(inf.class_name, "%a%");
	assert_string_equal(inf.class_guid, "%a%");
	assert_string_equal(inf.signature, "%unclosed");
	inf_free(&inf);

	/* a quote the end of its line closes; a header with no ']' drops its lines */
	assert_int_equal(inf_parse((const uint8_t *)quotes, sizeof(quotes) - 1, &inf, &why), 0);
	assert_string_equal(inf.provider, "never closed");
	assert_string_equal(inf.class_name, "x");
	assert_int_equal(inf.unterminated, 3);
	assert_int_equal(inf.skipped, 1);
	assert_int_equal(inf.files.n, 1);
	assert_string_equal(inf.files.v[0], "a.sys");
	inf_free(&inf);

	assert_int_equal(inf_parse((const uint8_t *)nul, sizeof(nul) - 1, &inf, &why), 0);
	assert_null(inf.provider);
	assert_string_equal(inf.class_name, "c");
	assert_int_equal(inf.skipped, 1);
	inf_free(&inf);

	/* no [Version], nothing at all, too big */
	assert_int_equal(inf_parse((const uint8_t *)"[Strings]\na=b\n", 14, &inf, &why), 0);
	assert_null(inf.provider);
	assert_int_equal(inf.files.n, 0);
	inf_free(&inf);
	assert_int_equal(inf_parse((const uint8_t *)"", 0, &inf, &why), -1);
	assert_string_equal(why, "empty file");
	inf_free(&inf);
	p = xmalloc(INF_MAX_BYTES + 1);
	memset(p, ';', INF_MAX_BYTES + 1);
	assert_int_equal(inf_parse((const uint8_t *)p, INF_MAX_BYTES + 1, &inf, &why), -1);
	inf_free(&inf);

	/* a 1 MiB line, and a 1 MiB line made of continuations: skipped, the next line read */
	memset(p, 'A', big);
	memcpy(p, "[Version]\nProvider=", 19);
	memcpy(p + big - 16, "\nClass=after\n   ", 16);
	assert_int_equal(inf_parse((const uint8_t *)p, big, &inf, &why), 0);
	assert_null(inf.provider);
	assert_string_equal(inf.class_name, "after");
	assert_int_equal(inf.skipped, 1);
	inf_free(&inf);
	for (size_t i = 19; i + 3 < big - 16; i += 3)
		memcpy(p + i, "x\\\n", 3);
	assert_int_equal(inf_parse((const uint8_t *)p, big, &inf, &why), 0);
	assert_null(inf.provider);
	assert_string_equal(inf.class_name, "after");
	inf_free(&inf);

	/* too many fields in a line; too many sections; strings expanding past the line cap */
	{
		struct strbuf sb;

		sb_init(&sb);
		sb_puts(&sb, "[Version]\nProvider=");
		for (int i = 0; i < INF_MAX_FIELDS + 1; i++)
			sb_puts(&sb, "x,");
		sb_puts(&sb, "\nClass=ok\nSignature=");
		for (int i = 0; i < 3000; i++)
			sb_puts(&sb, "%big%");
		sb_puts(&sb, "\n[Strings]\nbig=\"");
		for (int i = 0; i < 60000; i++)
			sb_putc(&sb, 'B');
		sb_puts(&sb, "\"\n");
		for (int i = 0; i < INF_MAX_SECTIONS + 10; i++)
			sb_printf(&sb, "[s%d]\nk=v\n", i);
		sb_puts(&sb, "[SourceDisksFiles]\nlate.sys=1\n");
		assert_int_equal(inf_parse((const uint8_t *)sb.s, sb.len, &inf, &why), 0);
		assert_null(inf.provider);
		assert_string_equal(inf.class_name, "ok");
		assert_int_equal(strlen(inf.signature), INF_MAX_LINE);
		assert_true(inf.truncated);
		assert_int_equal(inf.sections, INF_MAX_SECTIONS);
		assert_int_equal(inf.files.n, 0);
		inf_free(&inf);
		sb_free(&sb);
	}

	/* random bytes, and random bytes after a UTF-16 BOM: no crash, bounded */
	for (uint64_t seed = 1; seed <= 64; seed++) {
		size_t n = 1 + (size_t)(seed * 977 % 8192);

		unit_fill_random((uint8_t *)p, n, seed);
		if (seed % 2) {
			p[0] = (char)0xff;
			p[1] = (char)0xfe;
		}
		assert_int_equal(inf_parse((const uint8_t *)p, n, &inf, &why), 0);
		inf_free(&inf);
	}
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_utf16le),
		cmocka_unit_test(test_localized),
		cmocka_unit_test(test_ansi),
		cmocka_unit_test(test_syntax),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
