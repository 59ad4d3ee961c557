#!/bin/sh
# Regenerates the encrypted PKCS#8 fixtures with the real OpenSSL CLI
# (written with OpenSSL 3.0). The tests never run openssl: they read the
# files made here. Run from this directory: sh gen.sh
set -eu
pass=pass:correct-horse
# The plain keys, and a self-signed client certificate for the EC one.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.pem
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.pem
openssl req -x509 -new -key ec.pem -subj /CN=client -days 36500 -out ec.crt
# The same keys encrypted, one file per scheme: name = key-kdf-cipher.
openssl pkcs8 -topk8 -in ec.pem -v2 aes-256-cbc -v2prf hmacWithSHA256 -passout $pass -out ec-sha256-aes256.pem
openssl pkcs8 -topk8 -in ec.pem -v2 aes-128-cbc -v2prf hmacWithSHA1 -passout $pass -out ec-sha1-aes128.pem
openssl pkcs8 -topk8 -in ec.pem -v2 aes-192-cbc -v2prf hmacWithSHA512 -passout $pass -out ec-sha512-aes192.pem
openssl pkcs8 -topk8 -in ec.pem -v2 des3 -passout $pass -out ec-sha256-des3.pem
openssl pkcs8 -topk8 -in ec.pem -v2 aes-256-cbc -scrypt -passout $pass -out ec-scrypt-aes256.pem
openssl pkey -in rsa.pem -aes256 -passout $pass -out rsa-genpkey-aes256.pem
# A key Go does not use (Ed448): it decrypts, and is refused as such.
openssl genpkey -algorithm ED448 | openssl pkcs8 -topk8 -v2 aes-128-cbc -passout $pass -out ed448-aes128.pem
# Legacy schemes (Lambda documents PBES1): PBES1 with DES and the PKCS#12
# schemes with 3DES; RC2 is refused. Single DES and RC2 need OpenSSL 3's
# legacy provider.
legacy="-provider legacy -provider default"
openssl pkcs8 -topk8 -in ec.pem -v1 PBE-MD5-DES $legacy -passout $pass -out ec-pbes1-md5-des.pem
openssl pkcs8 -topk8 -in ec.pem -v1 PBE-SHA1-DES $legacy -passout $pass -out ec-pbes1-sha1-des.pem
openssl pkcs8 -topk8 -in ec.pem -v1 PBE-SHA1-3DES -passout $pass -out ec-pkcs12-3des.pem
openssl pkcs8 -topk8 -in ec.pem -v1 PBE-SHA1-2DES $legacy -passout $pass -out ec-pkcs12-2des.pem
openssl pkcs8 -topk8 -in ec.pem -v1 PBE-SHA1-RC2-40 $legacy -passout $pass -out ec-pkcs12-rc2.pem
