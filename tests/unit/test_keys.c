/* keys: key types, generation, PEM files (0600, atomic) and loading. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "casc/keys.h"
#include "unit_util.h"

#include <openssl/err.h>

static void test_type_names(void **state) {
  (void)state;
  casc_key_type t;
  casc_error e = {0};
  static const char *const names[] = {"ec-p256", "ec-p384", "rsa-2048", "rsa-3072", "rsa-4096"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    assert_int_equal(casc_key_type_parse(names[i], &t, &e), CASC_OK);
    assert_string_equal(casc_key_type_name(t), names[i]);
  }
  assert_int_equal(casc_key_type_parse("EC-P256", &t, &e), CASC_OK);
  assert_int_equal(t, CASC_KEY_EC_P256);
  assert_int_equal(casc_key_type_parse("rsa-1024", &t, &e), CASC_ERR_USAGE);
  assert_non_null(strstr(e.msg, "rsa-1024"));
  assert_int_equal(casc_key_type_parse("", &t, &e), CASC_ERR_USAGE);
}

static void test_raise_to_minimum(void **state) {
  (void)state;
  /* CSBR 6.1.5: RSA raised, EC untouched */
  assert_int_equal(casc_key_type_at_least(CASC_KEY_RSA_2048, 4096), CASC_KEY_RSA_4096);
  assert_int_equal(casc_key_type_at_least(CASC_KEY_RSA_3072, 4096), CASC_KEY_RSA_4096);
  assert_int_equal(casc_key_type_at_least(CASC_KEY_RSA_2048, 3072), CASC_KEY_RSA_3072);
  assert_int_equal(casc_key_type_at_least(CASC_KEY_RSA_4096, 3072), CASC_KEY_RSA_4096);
  assert_int_equal(casc_key_type_at_least(CASC_KEY_EC_P256, 4096), CASC_KEY_EC_P256);
  assert_int_equal(casc_key_type_at_least(CASC_KEY_EC_P384, 3072), CASC_KEY_EC_P384);
  assert_int_equal(casc_key_type_at_least(CASC_KEY_RSA_2048, 0), CASC_KEY_RSA_2048);
}

static void test_generate_save_load(void **state) {
  (void)state;
  char dir[PATH_MAX], path[PATH_MAX], desc[64];
  casc_error e = {0};
  assert_int_equal(util_mkdtemp(dir, "keys"), 0);
  static const struct {
    casc_key_type type;
    const char *desc;
    const EVP_MD *(*md)(void);
  } cases[] = {{CASC_KEY_EC_P256, "EC P-256", EVP_sha256},
               {CASC_KEY_EC_P384, "EC P-384", EVP_sha384},
               {CASC_KEY_RSA_2048, "RSA 2048", EVP_sha256}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    EVP_PKEY *key = NULL, *back = NULL;
    assert_int_equal(casc_key_generate(cases[i].type, &key, &e), CASC_OK);
    casc_key_describe(key, desc, sizeof desc);
    assert_string_equal(desc, cases[i].desc);
    assert_ptr_equal(casc_key_digest(key), cases[i].md());
    util_join(path, dir, casc_key_type_name(cases[i].type));
    assert_int_equal(casc_key_save(path, key, &e), CASC_OK);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(casc_key_load(path, &back, &e), CASC_OK);
    assert_int_equal(EVP_PKEY_eq(key, back), 1);
    EVP_PKEY_free(key);
    EVP_PKEY_free(back);
  }
  /* nothing but the three key files: no temporary files left behind */
  assert_int_equal(util_count_entries(dir), 3);
  util_rmtree(dir);
}

static void test_load_bad_files(void **state) {
  (void)state;
  char dir[PATH_MAX], path[PATH_MAX];
  casc_error e = {0};
  EVP_PKEY *key = NULL;
  assert_int_equal(util_mkdtemp(dir, "keys"), 0);
  util_join(path, dir, "missing.key");
  assert_int_equal(casc_key_load(path, &key, &e), CASC_ERR_IO);
  assert_non_null(strstr(e.msg, path));
  util_join(path, dir, "garbage.key");
  static const char garbage[] = "-----BEGIN PRIVATE KEY-----\nnot base64 at all\n"
                                "-----END PRIVATE KEY-----\n";
  assert_int_equal(casc_file_write_atomic(path, garbage, sizeof garbage - 1, 0600, &e), CASC_OK);
  assert_int_equal(casc_key_load(path, &key, &e), CASC_ERR_PARSE);
  assert_non_null(strstr(e.msg, path));
  assert_null(key);
  util_join(path, dir, "empty.key");
  assert_int_equal(casc_file_write_atomic(path, "", 0, 0600, &e), CASC_OK);
  assert_int_equal(casc_key_load(path, &key, &e), CASC_ERR_PARSE);
  /* a certificate-shaped file is not a key either */
  util_join(path, dir, "cert.pem");
  static const char cert[] = "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n";
  assert_int_equal(casc_file_write_atomic(path, cert, sizeof cert - 1, 0644, &e), CASC_OK);
  assert_int_equal(casc_key_load(path, &key, &e), CASC_ERR_PARSE);
  util_rmtree(dir);
  ERR_clear_error();
}

static void test_save_into_missing_directory(void **state) {
  (void)state;
  casc_error e = {0};
  EVP_PKEY *key = NULL;
  assert_int_equal(casc_key_generate(CASC_KEY_EC_P256, &key, &e), CASC_OK);
  assert_int_equal(casc_key_save("/nonexistent-casc-dir/k.key", key, &e), CASC_ERR_IO);
  assert_non_null(strstr(e.msg, "/nonexistent-casc-dir/k.key"));
  EVP_PKEY_free(key);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_type_names),
      cmocka_unit_test(test_raise_to_minimum),
      cmocka_unit_test(test_generate_save_load),
      cmocka_unit_test(test_load_bad_files),
      cmocka_unit_test(test_save_into_missing_directory),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
