/* libFuzzer target: the OCSP response path of the client side (casc ocsp
 * query, casc staple, the staples casc check reads from TLS servers), which
 * reads bytes from responders and servers. Each input is verified for two
 * certificates of the CA that produced the seed corpus (responses from
 * casc serve, fuzz/corpus/fuzz_ocsp_response/), without and with an
 * expected nonce, at a fixed time within the seeds' validity so that the
 * whole path stays reachable whatever the date.
 * Properties checked always: CASC_OK only with outcome VERIFIED, an empty
 * error, a known status and times inside the skew; any other return with
 * a non-VERIFIED outcome and a message. */
#include "casc/ocsp_client.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char LEAF_GOOD[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIICjzCCAjagAwIBAgIQYthbWQKKdoYbTIg/+O/3EzAKBggqhkjOPQQDAjBEMQsw\n"
    "CQYDVQQGEwJYWDESMBAGA1UECgwJY2FzYyBEZW1vMSEwHwYDVQQDDBhjYXNjIERl\n"
    "bW8gVExTIElzc3VpbmcgQ0EwHhcNMjYxMTI4MjA1ODMwWhcNMjcwMjI2MjA1ODI5\n"
    "WjAYMRYwFAYDVQQDDA1hLmV4YW1wbGUuY29tMFkwEwYHKoZIzj0CAQYIKoZIzj0D\n"
    "AQcDQgAEVx1PIAKDwhVXSNnrLBsQ2MCR302ULdiQnq5rgjliLEAir0QRYA4sG2HT\n"
    "fDNrqs8umlP1SpZz4+Ne1M9xiJqn3qOCATQwggEwMAwGA1UdEwEB/wQCMAAwDgYD\n"
    "VR0PAQH/BAQDAgeAMBMGA1UdJQQMMAoGCCsGAQUFBwMBMB8GA1UdIwQYMBaAFDcK\n"
    "7DSDO8hmPb5kjtv9srngcz8OMBgGA1UdEQQRMA+CDWEuZXhhbXBsZS5jb20wEwYD\n"
    "VR0gBAwwCjAIBgZngQwBAgEwbQYIKwYBBQUHAQEEYTBfMCcGCCsGAQUFBzABhhto\n"
    "dHRwOi8vMTI3LjAuMC4xOjM4NjI1L29jc3AwNAYIKwYBBQUHMAKGKGh0dHA6Ly8x\n"
    "MjcuMC4wLjE6Mzg2MjUvY2EvaXNzdWluZy1jYS5jcnQwPAYDVR0fBDUwMzAxoC+g\n"
    "LYYraHR0cDovLzEyNy4wLjAuMTozODYyNS9jcmwvaXNzdWluZy1jYS8zLmNybDAK\n"
    "BggqhkjOPQQDAgNHADBEAiAtMbeeNFGiiLd2BrKzeYyPC9ZkOzUz5bmLa93Dp8yo\n"
    "UwIgOLjfQSSLGEndb04X5GyiJ86AmQWCMubc11oDj66FP4M=\n"
    "-----END CERTIFICATE-----\n";

static const char LEAF_REVOKED[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIICkDCCAjagAwIBAgIQce/sybw2uflSFBFE7IqSATAKBggqhkjOPQQDAjBEMQsw\n"
    "CQYDVQQGEwJYWDESMBAGA1UECgwJY2FzYyBEZW1vMSEwHwYDVQQDDBhjYXNjIERl\n"
    "bW8gVExTIElzc3VpbmcgQ0EwHhcNMjYxMTI4MjA1ODMwWhcNMjcwMjI2MjA1ODI5\n"
    "WjAYMRYwFAYDVQQDDA1yLmV4YW1wbGUuY29tMFkwEwYHKoZIzj0CAQYIKoZIzj0D\n"
    "AQcDQgAEltHzda8RX/uDjjUqo0DElRYqk1AJPRRY1v4oR8BOXbLPvCUPYKlMlAEY\n"
    "wda8FjWHPUbP3d0T89XroS0gbEYNwqOCATQwggEwMAwGA1UdEwEB/wQCMAAwDgYD\n"
    "VR0PAQH/BAQDAgeAMBMGA1UdJQQMMAoGCCsGAQUFBwMBMB8GA1UdIwQYMBaAFDcK\n"
    "7DSDO8hmPb5kjtv9srngcz8OMBgGA1UdEQQRMA+CDXIuZXhhbXBsZS5jb20wEwYD\n"
    "VR0gBAwwCjAIBgZngQwBAgEwbQYIKwYBBQUHAQEEYTBfMCcGCCsGAQUFBzABhhto\n"
    "dHRwOi8vMTI3LjAuMC4xOjM4NjI1L29jc3AwNAYIKwYBBQUHMAKGKGh0dHA6Ly8x\n"
    "MjcuMC4wLjE6Mzg2MjUvY2EvaXNzdWluZy1jYS5jcnQwPAYDVR0fBDUwMzAxoC+g\n"
    "LYYraHR0cDovLzEyNy4wLjAuMTozODYyNS9jcmwvaXNzdWluZy1jYS8wLmNybDAK\n"
    "BggqhkjOPQQDAgNIADBFAiBiHGwskVu4G6UL4DJo9Jvr4n0fQnMOdxkzowBeQ/A3\n"
    "nAIhAK9pAkS6/qpsa90lPHJniunl7H9rHiItM2YzyKvJzj6k\n"
    "-----END CERTIFICATE-----\n";

static const char ISSUER[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIICjzCCAjWgAwIBAgIQSFOY3v6aO8vT9GucImrrOTAKBggqhkjOPQQDAjA9MQsw\n"
    "CQYDVQQGEwJYWDESMBAGA1UECgwJY2FzYyBEZW1vMRowGAYDVQQDDBFjYXNjIERl\n"
    "bW8gUm9vdCBDQTAeFw0yNjExMjgyMDU4MzBaFw0zNDExMjgyMDU4MjlaMEQxCzAJ\n"
    "BgNVBAYTAlhYMRIwEAYDVQQKDAljYXNjIERlbW8xITAfBgNVBAMMGGNhc2MgRGVt\n"
    "byBUTFMgSXNzdWluZyBDQTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABMo5X5id\n"
    "Zuhcu0rtpYOxcSZHb9i7Vq5GS4Jw9aVWFnbN4OmadZFLZ55OwdYOuFp4K8OzQLwG\n"
    "AcSifAG2hylQBZujggEOMIIBCjASBgNVHRMBAf8ECDAGAQH/AgEAMA4GA1UdDwEB\n"
    "/wQEAwIBBjATBgNVHSUEDDAKBggrBgEFBQcDATAdBgNVHQ4EFgQUNwrsNIM7yGY9\n"
    "vmSO2/2yueBzPw4wHwYDVR0jBBgwFoAUaPejrXstswkJh5y4eoeFAf8r8CowEwYD\n"
    "VR0gBAwwCjAIBgZngQwBAgEwQQYIKwYBBQUHAQEENTAzMDEGCCsGAQUFBzAChiVo\n"
    "dHRwOi8vMTI3LjAuMC4xOjM4NjI1L2NhL3Jvb3QtY2EuY3J0MDcGA1UdHwQwMC4w\n"
    "LKAqoCiGJmh0dHA6Ly8xMjcuMC4wLjE6Mzg2MjUvY3JsL3Jvb3QtY2EuY3JsMAoG\n"
    "CCqGSM49BAMCA0gAMEUCIQCNDZF/f8VzbqNsR7BB6ZTN4aD5gS2fgmQ4tRujAiLU\n"
    "mwIgSL6he1u4r2CeoxVxJVRSvAJWX6TvLZJ0+/In93citfE=\n"
    "-----END CERTIFICATE-----\n";

static X509 *load(const char *pem) {
  BIO *b = BIO_new_mem_buf(pem, -1);
  X509 *x = b != NULL ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
  BIO_free(b);
  if (x == NULL)
    abort();
  return x;
}

static X509 *good, *revoked, *issuer;
static time_t now;

static void once(void) {
  if (issuer != NULL)
    return;
  good = load(LEAF_GOOD);
  revoked = load(LEAF_REVOKED);
  issuer = load(ISSUER);
  casc_error e;
  if (casc_time_parse("2026-11-28T22:00:00Z", &now, &e) != CASC_OK)
    abort();
}

static void check(X509 *cert, const uint8_t *data, size_t size, const unsigned char *nonce,
                  int hash_nid) {
  casc_ocsp_client_opts o = {.now = now, .hash_nid = hash_nid};
  casc_ocsp_client_result r;
  casc_error e = {0};
  casc_err rc = casc_ocsp_client_verify(data, size, cert, issuer, nonce, nonce != NULL ? 32 : 0,
                                        &o, &r, &e);
  int ok;
  if (rc == CASC_OK)
    ok = r.outcome == CASC_OCSP_OUTCOME_VERIFIED && r.error[0] == '\0' &&
         (r.status == CASC_OCSP_CLIENT_GOOD || r.status == CASC_OCSP_CLIENT_REVOKED ||
          r.status == CASC_OCSP_CLIENT_UNKNOWN) &&
         r.this_update <= now + CASC_OCSP_CLIENT_SKEW &&
         r.next_update >= now - CASC_OCSP_CLIENT_SKEW && r.next_update >= r.this_update &&
         (nonce == NULL || r.nonce_echoed);
  else
    ok = r.outcome != CASC_OCSP_OUTCOME_VERIFIED && r.error[0] != '\0' && e.msg[0] != '\0';
  if (!ok) {
    fprintf(stderr, "ocsp response: verification result breaks its contract (rc %d)\n", (int)rc);
    abort();
  }
  casc_ocsp_client_result_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const unsigned char nonce[32];
  once();
  check(good, data, size, NULL, 0);
  check(revoked, data, size, NULL, 0);
  check(good, data, size, nonce, NID_sha256);
  ERR_clear_error();
  return 0;
}
