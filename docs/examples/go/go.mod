module example.com/projectplane-account-per-test

go 1.19
