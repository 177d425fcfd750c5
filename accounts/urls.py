from django.urls import include, path

from . import views

urlpatterns = [
    # allauth: /accounts/login/ (the sign-in page), /accounts/logout/ (POST), and the
    # Google (OpenID Connect) sign-in and callback under /accounts/oidc/google/.
    path("accounts/", include("allauth.urls")),
    path("account/", views.account_page, name="account"),
    path("account/sign-out-everywhere/", views.sign_out_everywhere, name="account-sign-out-everywhere"),
    path("account/export.json", views.export_download, name="account-export"),
    path("account/delete/", views.delete_account, name="account-delete"),
    path("my-courses/", views.my_courses, name="my-courses"),
    path("my-courses/save/", views.bookmark, name="bookmark"),
    path("my-courses/lists/", views.create_list, name="list-create"),
    path("my-courses/lists/<int:list_id>/rename/", views.rename_list, name="list-rename"),
    path("my-courses/lists/<int:list_id>/delete/", views.delete_list, name="list-delete"),
]
