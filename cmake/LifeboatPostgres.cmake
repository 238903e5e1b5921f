# The throwaway PostgreSQL server the store tests run against (scripts/test-postgres.sh).
#
# ctest starts it once, as the fixture test `postgres.start`, before any test that needs
# it, and removes it with `postgres.stop` after the last; `ctest -R '^store\.'` pulls both
# in. Tests that need it get LIFEBOAT_POSTGRES_TEST_PROPERTIES (the fixture and the
# environment variable LIFEBOAT_TEST_POSTGRES naming its directory, which holds `url`).
set(LIFEBOAT_TEST_POSTGRES_DIR "${CMAKE_BINARY_DIR}/test-postgres")
set(LIFEBOAT_POSTGRES_TEST_PROPERTIES
    FIXTURES_REQUIRED postgres
    ENVIRONMENT "LIFEBOAT_TEST_POSTGRES=${LIFEBOAT_TEST_POSTGRES_DIR}")
add_test(NAME postgres.start
         COMMAND "${PROJECT_SOURCE_DIR}/scripts/test-postgres.sh" start
                 "${LIFEBOAT_TEST_POSTGRES_DIR}")
set_tests_properties(postgres.start PROPERTIES FIXTURES_SETUP postgres TIMEOUT 120)
add_test(NAME postgres.stop
         COMMAND "${PROJECT_SOURCE_DIR}/scripts/test-postgres.sh" stop
                 "${LIFEBOAT_TEST_POSTGRES_DIR}")
set_tests_properties(postgres.stop PROPERTIES FIXTURES_CLEANUP postgres TIMEOUT 120)
